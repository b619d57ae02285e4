// The cleaning tests' pipeline: one staging table of page visits (test/fixtures/cleaning/), cleaning
// steps of one rule each plus one of every rule at once, and helpers that start a run with a fixture's
// rows in the run's copy of the table and read back the table and the run's quarantine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlerDeps, SqlLibrary } from '../../lambdas/core/deps.ts';
import type { Row, SqlValue, Warehouse } from '../../lambdas/core/ports.ts';
import { createRunStagingSql, runStagingTable } from '../../lambdas/core/run-staging.ts';
import { createTransformHandler } from '../../lambdas/handlers/transform.ts';
import { PROJECT_ROOT } from '../../lib/local/project-paths.ts';
import { SqlFolder } from '../../lib/local/sql-folder.ts';
import { registerPipeline } from '../../lib/pipelines/index.ts';
import { definePipeline, SCHEMA_STEP, type CleanStepSpec } from '../../lib/pipelines/spec.ts';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
export const VISITS = 'staging_visits';
const COLUMNS = ['session_id', 'item', 'user_id', 'name', 'level', 'gender', 'page', 'status', 'length', 'ts'] as const;

export type Visit = Partial<Record<(typeof COLUMNS)[number], SqlValue>>;
export type Scenario =
  | 'trim'
  | 'emptyAsNull'
  | 'caseNormalisation'
  | 'notNull'
  | 'acceptedValues'
  | 'range'
  | 'expression'
  | 'firstBrokenRule'
  | 'dedupe'
  | 'dedupeAfterConstraints'
  | 'everything';

type Constraint = CleanStepSpec['constraints'][number];

const table = VISITS;
const knownLevels: Constraint = { rule: 'acceptedValues', column: 'level', values: ['free', 'paid'] };
const pageRequired: Constraint = { rule: 'notNull', column: 'page' };
const nextSongHasUser: Constraint = { rule: 'expression', name: 'next_song_has_user', sql: "page <> 'NextSong' OR user_id IS NOT NULL" };
const onePerItem = { key: ['session_id', 'item'], latest: 'ts' };

export const cleaningFixture = registerPipeline(
  definePipeline({
    name: 'cleaning-fixture',
    description: 'page visits cleaned by one rule at a time, and by all of them',
    schema: 'cleaning/create_tables.sql',
    sources: [{ table, prefix: 'visits/', format: { kind: 'csv' } }],
    steps: [
      { kind: 'clean', name: 'trim_names', table, trim: ['user_id', 'name'] },
      { kind: 'clean', name: 'empty_as_null', table, trim: ['user_id', 'name'], emptyAsNull: ['user_id', 'name'] },
      { kind: 'clean', name: 'recase', table, trim: ['level'], lowerCase: ['level'], upperCase: ['gender'] },
      { kind: 'clean', name: 'page_required', table, constraints: [pageRequired] },
      { kind: 'clean', name: 'known_levels', table, constraints: [knownLevels] },
      { kind: 'clean', name: 'http_status', table, constraints: [{ rule: 'range', column: 'status', min: 100, max: 599 }] },
      { kind: 'clean', name: 'plays_have_users', table, constraints: [nextSongHasUser] },
      { kind: 'clean', name: 'two_rules', table, constraints: [pageRequired, knownLevels] },
      { kind: 'clean', name: 'one_per_item', table, dedupe: onePerItem },
      { kind: 'clean', name: 'valid_then_unique', table, constraints: [knownLevels], dedupe: onePerItem },
      { kind: 'clean', name: 'strict_levels', table, constraints: [knownLevels], maxQuarantinedRatio: 0.2 },
      { kind: 'clean', name: 'failing', table, trim: ['name'], constraints: [{ rule: 'expression', name: 'name_is_number', sql: 'CAST(name AS INTEGER) > 0' }] },
      {
        kind: 'clean',
        name: 'visits',
        table,
        trim: ['user_id', 'name', 'level', 'gender'],
        emptyAsNull: ['user_id', 'name'],
        lowerCase: ['level'],
        upperCase: ['gender'],
        constraints: [knownLevels, pageRequired, { rule: 'range', column: 'status', min: 100, max: 599 }, nextSongHasUser],
        dedupe: onePerItem,
      },
    ],
    checks: [],
    reportTables: [VISITS],
    sla: { maxDurationMinutes: 5, maxStalenessHours: 24 },
  }),
);

/** The fixture pipeline's SQL: its schema from test/fixtures/cleaning/, redline's own from sql/. */
export function fixtureSql(): SqlLibrary {
  const fixtures = new SqlFolder(FIXTURES);
  const project = new SqlFolder();
  return { read: (path) => (path.startsWith('cleaning/') ? fixtures.read(path) : project.read(path)) };
}

/** The rows of one scenario of test/fixtures/cleaning/visits.json. */
export async function visitsOf(scenario: Scenario): Promise<Visit[]> {
  const all = JSON.parse(await readFile(join(FIXTURES, 'cleaning', 'visits.json'), 'utf8')) as Record<Scenario, Visit[]>;
  return all[scenario];
}

/**
 * Starts run `runId` as the flow does before its steps: redline's and the fixture's tables and the
 * run's context (the schema step), then the run's copy of staging_visits holding `rows`.
 */
export async function startRun(deps: HandlerDeps, runId: string, rows: readonly Visit[]): Promise<void> {
  const run = { pipeline: cleaningFixture.name, runId, runDate: '2018-11-01' };
  await createTransformHandler(deps)({ ...run, step: SCHEMA_STEP });
  const context = { runId, step: `stage_${VISITS}` };
  await deps.warehouse.executeInTransaction([createRunStagingSql(await deps.sql.read(cleaningFixture.schema), VISITS, runId)], context);
  const copy = runStagingTable(VISITS, runId);
  for (const row of rows) {
    const values = COLUMNS.map((c) => (c === 'ts' ? 'CAST(:ts AS TIMESTAMP)' : `:${c}`));
    const params = Object.fromEntries(COLUMNS.map((c) => [c, row[c] ?? null]));
    await deps.warehouse.execute(`INSERT INTO ${copy} (${COLUMNS.join(', ')}) VALUES (${values.join(', ')})`, params, context);
  }
}

/** The run's copy of staging_visits, in a stable order. */
export function visitsTable(warehouse: Warehouse, runId: string): Promise<Row[]> {
  return warehouse.query(`SELECT ${COLUMNS.join(', ')} FROM ${runStagingTable(VISITS, runId)} ORDER BY session_id, item, ts, page, level`);
}

export interface QuarantinedRow {
  step: string;
  table: string;
  rule: string;
  reason: string;
  row: Record<string, unknown>;
}

/** The run's quarantine, its rows' JSON parsed, in a stable order. */
export async function quarantineOf(warehouse: Warehouse, runId: string): Promise<QuarantinedRow[]> {
  const rows = await warehouse.query(
    'SELECT step, table_name, rule, reason, row_data FROM redline_quarantine WHERE run_id = :run_id ORDER BY rule, reason',
    { run_id: runId },
  );
  return rows.map((r) => ({
    step: String(r.step),
    table: String(r.table_name),
    rule: String(r.rule),
    reason: String(r.reason),
    row: JSON.parse(String(r.row_data)) as Record<string, unknown>,
  }));
}
