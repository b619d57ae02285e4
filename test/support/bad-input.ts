// Helpers of the bad-input and security suites: the corpus under test/fixtures/bad-input, landing
// folders built from it, a local run that fingerprints the raw files before and after (a run must
// never change or delete one), a read-only look into the run's warehouse, and the checks every run
// of bad input must pass: each load reconciles (read = loaded + rejected), a COPY over MAXERROR
// recorded exactly the rows it counted and loaded none, and the raw files are byte-identical.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Alert, Row, SqlParams } from '../../lambdas/core/ports.ts';
import { DuckDbWarehouse } from '../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../lib/local/filesystem-store.ts';
import { runPipelineLocally, type RunOutcome } from '../../lib/local/runner.ts';
import { CapturingNotifier } from './capturing-notifier.ts';

const CORPUS = fileURLToPath(new URL('../fixtures/bad-input/', import.meta.url));

/** The bytes of a corpus file, e.g. 'sparkify/events-bom.json'. */
export function fixture(path: string): Promise<Buffer> {
  return readFile(join(CORPUS, path));
}

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** One mebibyte of text: the oversized value of the "1 MB string" cases. */
export const MEGABYTE_STRING = 'x'.repeat(1024 * 1024);

/** A new folder standing for a landing bucket, holding `files` (landing key → bytes). */
export async function landingFolder(files: Readonly<Record<string, string | Buffer>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'redline-bad-input-'));
  for (const [key, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), body);
  }
  return dir;
}

/** The SHA-256 of every file under `dir`, by path relative to it. */
async function rawFileHashes(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const hashes: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    hashes[relative(dir, path).split(sep).join('/')] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return hashes;
}

/** A local run over a landing folder, with its alerts and the raw files' hashes before and after. */
export interface BadInputRun {
  outcome: RunOutcome;
  alerts: Alert[];
  stateDir: string;
  rawBefore: Record<string, string>;
  rawAfter: Record<string, string>;
}

/** Runs `pipeline` for `runDate` on `dataDir` with a fresh state folder (or `stateDir`). */
export async function runOnLanding(pipeline: string, dataDir: string, runDate: string, stateDir?: string): Promise<BadInputRun> {
  const state = stateDir ?? (await mkdtemp(join(tmpdir(), 'redline-bad-input-state-')));
  const notifier = new CapturingNotifier();
  const rawBefore = await rawFileHashes(dataDir);
  const outcome = await runPipelineLocally({ pipeline, runDate, dataDir, stateDir: state, notifier });
  return { outcome, alerts: notifier.alerts, stateDir: state, rawBefore, rawAfter: await rawFileHashes(dataDir) };
}

/** `start` run once, on first call: lets several tests (an invariant, a known bug) look at one run. */
export function sharedRun(start: () => Promise<BadInputRun>): () => Promise<BadInputRun> {
  let run: Promise<BadInputRun> | undefined;
  return () => (run ??= start());
}

/** Rows of a query on the run's warehouse, opened after the run closed it. */
export async function queryWarehouse(stateDir: string, sql: string, params: SqlParams = {}): Promise<Row[]> {
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    return await warehouse.query(sql, params);
  } finally {
    await warehouse.close();
  }
}

/** Every rejected row the run's COPYs recorded, in file and line order. */
export function loadErrors(stateDir: string): Promise<Row[]> {
  return queryWarehouse(
    stateDir,
    `SELECT table_name, file_name, line_number, column_name, error_code, error_message, raw_line, raw_field_value
     FROM redline_load_errors ORDER BY file_name, line_number`,
  );
}

/**
 * The checks every run of bad input passes, whatever it did: the raw files are byte-identical and
 * none was deleted; every load the run reported, and every stage step in the run audit, has
 * read = loaded + rejected; a COPY over MAXERROR recorded as many rejected rows as it counted and
 * left its staging table empty.
 */
export async function expectReconciledAndRawIntact(run: BadInputRun): Promise<void> {
  expect(run.rawAfter, 'raw files after the run').toEqual(run.rawBefore);
  for (const load of run.outcome.loads) expect(load.read, `read of ${load.table}`).toBe(load.loaded + load.rejected);
  const audited = await queryWarehouse(
    run.stateDir,
    "SELECT step, rows_read, rows_loaded, rows_rejected FROM redline_runs WHERE step LIKE 'stage%' AND rows_read IS NOT NULL",
  );
  for (const row of audited) expect(Number(row.rows_read), `audited read of ${String(row.step)}`).toBe(Number(row.rows_loaded) + Number(row.rows_rejected));
  if (run.outcome.error?.name !== 'LoadErrorsExceeded') return;
  const [, table, rejected] = /^COPY into ([a-z0-9_]+) rejected (\d+) row\(s\)/.exec(run.outcome.error.message) ?? [];
  expect(table, 'the table LoadErrorsExceeded names').toBeDefined();
  const recorded = await queryWarehouse(run.stateDir, 'SELECT COUNT(*) AS n FROM redline_load_errors WHERE table_name = :table', { table: table! });
  expect(Number(recorded[0]?.n), `rejected rows recorded for ${table}`).toBe(Number(rejected));
  const staged = await queryWarehouse(run.stateDir, `SELECT COUNT(*) AS n FROM ${table}`);
  expect(Number(staged[0]?.n), `rows loaded into ${table}`).toBe(0);
}

/** The run failed at `failedStep` with `errorName`, and its one alert says so and names every one of `mentions`. */
export function expectFailureAlert(run: BadInputRun, failure: { errorName: string; failedStep: string; mentions: readonly string[] }): void {
  expect(run.outcome.status).toBe('FAILED');
  expect(run.outcome.error?.name).toBe(failure.errorName);
  expect(run.outcome.failedStep).toBe(failure.failedStep);
  expect(run.alerts).toHaveLength(1);
  const [alert] = run.alerts;
  expect(alert!.subject).toContain(`failed at ${failure.failedStep}: ${failure.errorName}`);
  for (const mention of failure.mentions) expect(alert!.error.message).toContain(mention);
}
