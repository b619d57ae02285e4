// The cleaning SQL on PostgreSQL: the dialect's translation of Redshift's OBJECT and JSON_SERIALIZE,
// and the clean task with every rule run on PostgreSQL and on DuckDB, which must keep the same rows
// and quarantine the same rows for the same reasons. The server parts are skipped when no server
// answers at 127.0.0.1:5432.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerDeps } from '../../../../lambdas/core/deps.ts';
import { REDLINE_TABLES_SQL } from '../../../../lambdas/core/run-audit.ts';
import { createCleanHandler } from '../../../../lambdas/handlers/clean.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';
import { LOCAL_SETTINGS, openLocalEnvironment, type LocalEnvironment } from '../../../../lib/local/local-environment.ts';
import { translateForPostgres } from '../../../../lib/local/postgres/postgres-dialect.ts';
import { PostgresWarehouse } from '../../../../lib/local/postgres/postgres-warehouse.ts';
import { CapturingNotifier } from '../../../support/capturing-notifier.ts';
import { cleaningFixture, fixtureSql, quarantineOf, startRun, visitsOf, visitsTable } from '../../../support/cleaning-fixture.ts';
import { POSTGRES_URL, postgresAnswers } from '../../../support/postgres.ts';

const CONNECTION = POSTGRES_URL;
const serverAnswers = await postgresAnswers();

describe('translateForPostgres: SUPER objects', () => {
  it("GIVEN JSON_SERIALIZE(OBJECT(…)) WHEN translated THEN json_build_object inside redline's JSON_SERIALIZE function, literals and qualified names untouched", () => {
    expect(translateForPostgres("SELECT JSON_SERIALIZE(OBJECT('a', t.object, 'b', 'OBJECT(x)')) FROM t").sql).toBe(
      "SELECT redshift_json_serialize(json_build_object('a', t.object, 'b', 'OBJECT(x)')) FROM t",
    );
  });
});

describe.skipIf(!serverAnswers)('clean task on PostgreSQL vs DuckDB', () => {
  const schema = `redline_clean_${randomBytes(4).toString('hex')}`;
  let dir: string;
  let environment: LocalEnvironment;
  let postgres: PostgresWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redline-pg-clean-'));
    environment = await openLocalEnvironment({ dataDir: join(dir, 'data'), stateDir: join(dir, 'state'), notifier: new CapturingNotifier() });
    const sql = fixtureSql();
    postgres = await PostgresWarehouse.open({
      connectionString: CONNECTION,
      schema,
      schemaSql: [await sql.read(REDLINE_TABLES_SQL), await sql.read(cleaningFixture.schema)],
      source: new FilesystemObjectStore({ [LOCAL_SETTINGS.landingBucket]: join(dir, 'data') }),
    });
  });

  afterAll(async () => {
    await postgres?.close();
    await environment?.close();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN every rule at once WHEN cleaned on both engines THEN the results, the kept rows and the quarantine are the same', async () => {
    const outcomes = [];
    for (const deps of [{ ...environment, sql: fixtureSql() }, { ...environment, warehouse: postgres, sql: fixtureSql() }] satisfies HandlerDeps[]) {
      const runId = 'parity-run';
      await startRun(deps, runId, await visitsOf('everything'));
      const result = await createCleanHandler(deps)({ pipeline: cleaningFixture.name, runId, runDate: '2018-11-01', step: 'visits' });
      outcomes.push({ result, kept: await visitsTable(deps.warehouse, runId), quarantine: await quarantineOf(deps.warehouse, runId) });
    }
    const [duckdb, postgresql] = outcomes;
    expect(postgresql).toEqual(duckdb);
    expect(duckdb?.result).toMatchObject({ read: 8, loaded: 3, rejected: 5 });
  });
});

async function dropSchema(name: string): Promise<void> {
  if (!serverAnswers) return;
  const client = new pg.Client({ connectionString: CONNECTION });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}
