// user-activity-reports on the MySQL path, against the real MariaDB: the extract lands the user
// table whole and the activity log past its watermark, and the reports equal the CSV path's.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUserActivityRound } from '../../../lib/generators/user-activity.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { createTestDatabase, dropDatabase, NO_MARIADB, requireMariadb, runMariadbSuite } from '../../support/mariadb.ts';

const CLOCKS = ['2026-11-20T12:00:00Z', '2026-11-21T12:00:00Z'];
const title = 'user-activity-reports extracting from MariaDB';

/** Two generator rounds, each followed by a reports run; returns the runs and the final user_report. */
async function roundsAndReports(mysqlUrl?: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'redline-uam-'));
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-uam-state-'));
  const outcomes: RunOutcome[] = [];
  for (const clock of CLOCKS) {
    await generateUserActivityRound({ outDir: dataDir, clock: new Date(clock), seed: 5, ...(mysqlUrl ? { mysqlUrl } : {}) });
    outcomes.push(
      await runPipelineLocally({ pipeline: 'user-activity-reports', runDate: clock, dataDir, stateDir, ...(mysqlUrl ? { sourceDatabaseUrl: mysqlUrl } : {}) }),
    );
  }
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    const report = await warehouse.query('SELECT * FROM user_report ORDER BY user_id');
    const totals = await warehouse.query('SELECT total_users, users_added FROM user_total ORDER BY time_ran');
    return { outcomes, report, totals };
  } finally {
    await warehouse.close();
  }
}

describe.skipIf(!runMariadbSuite)(runMariadbSuite ? title : `${title} (skipped: ${NO_MARIADB})`, () => {
  let database: { name: string; url: string };
  beforeAll(async () => {
    requireMariadb();
    database = await createTestDatabase('redline_ua_pipeline');
  });
  afterAll(async () => {
    if (database) await dropDatabase(database.name);
  });

  it('extracts only the activity past the watermark and builds the same reports as the CSV path', async () => {
    const viaMysql = await roundsAndReports(database.url);
    const viaCsv = await roundsAndReports();

    expect(viaMysql.outcomes.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const activityStaged = viaMysql.outcomes.map((o) => o.loads.find((l) => l.table === 'staging_activitylog')?.read);
    expect(activityStaged).toEqual([50, 50]);
    expect(viaCsv.outcomes.map((o) => o.loads.find((l) => l.table === 'staging_activitylog')?.read)).toEqual([50, 100]);
    expect(viaMysql.outcomes.at(-1)?.tables).toEqual(viaCsv.outcomes.at(-1)?.tables);
    expect(viaMysql.report).toEqual(viaCsv.report);
    expect(viaMysql.totals).toEqual([
      { total_users: 10, users_added: 10 },
      { total_users: 18, users_added: 10 },
    ]);
  });
});
