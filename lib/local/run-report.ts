// The run report of a local run: its outcome (as saved with the execution), the durations of its
// steps from the run audit, and a chart of each published result set, read back from the Parquet
// the run published — rendered by lib/report into <stateDir>/reports/.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Row } from '../../lambdas/core/ports.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { pipelineNamed } from '../pipelines/index.ts';
import { writeReport, type ChartSpec, type RunReport } from '../report/index.ts';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
import { readExecution } from './execution-records.ts';
import { FilesystemObjectStore } from './filesystem-store.ts';
import { LOCAL_SETTINGS } from './local-environment.ts';
import type { RunOutcome } from './runner.ts';

/** Where a state folder's reports go. */
export function reportsDir(stateDir: string): string {
  return join(stateDir, 'reports');
}

/** Writes the report of `runId` (a run saved under `stateDir`); returns the report file and the index. */
export async function writeRunReport(stateDir: string, runId: string): Promise<{ file: string; index: string }> {
  const record = await readExecution(stateDir, runId);
  if (!record.outcome) throw new InvalidInput(`run ${runId} was saved without its outcome; run it again to report it`);
  const outcome = record.outcome as RunOutcome;
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), workBucket(stateDir));
  try {
    const report: RunReport = {
      pipeline: outcome.pipeline,
      runId: outcome.runId,
      runDate: outcome.runDate,
      status: outcome.status,
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.failedStep ? { failedStep: outcome.failedStep } : {}),
      tables: outcome.tables,
      loads: outcome.loads,
      rejectedSample: outcome.rejectedSample,
      checks: outcome.checks,
      steps: await stepDurations(warehouse, runId),
      charts: await publishedCharts(warehouse, stateDir, outcome),
      published: outcome.published,
    };
    return await writeReport(reportsDir(stateDir), report);
  } finally {
    await warehouse.close();
  }
}

/** The most recent saved run of `pipeline` (by the time its record was written). */
export async function latestRunOf(stateDir: string, pipeline: string): Promise<string> {
  const folder = join(stateDir, 'executions');
  const runs = existsSync(folder) ? (await readdir(folder)).filter((f) => f.startsWith(`${pipeline}-`)).sort() : [];
  const records = await Promise.all(runs.map((f) => readExecution(stateDir, f.replace(/\.json$/, ''))));
  const latest = records
    .filter((r) => r.pipeline === pipeline && r.outcome)
    .sort((a, b) => String((a.outcome as RunOutcome).startedAt).localeCompare(String((b.outcome as RunOutcome).startedAt)))
    .at(-1);
  if (!latest) throw new InvalidInput(`no run of ${pipeline} saved in ${stateDir}`);
  return latest.runId;
}

async function stepDurations(warehouse: DuckDbWarehouse, runId: string): Promise<RunReport['steps']> {
  const rows = await warehouse.query(
    `SELECT step, status, DATEDIFF(millisecond, started_at, ended_at) AS ms
     FROM redline_runs WHERE run_id = :run_id ORDER BY started_at, step`,
    { run_id: runId },
  );
  return rows.map((r) => ({ step: String(r.step), status: String(r.status), ms: Number(r.ms) }));
}

/** One chart per published result set with a chart, from the Parquet the run wrote. */
async function publishedCharts(warehouse: DuckDbWarehouse, stateDir: string, outcome: RunOutcome): Promise<ChartSpec[]> {
  const store = workBucket(stateDir);
  const charts: ChartSpec[] = [];
  for (const result of pipelineNamed(outcome.pipeline).publish) {
    const published = outcome.published.find((p) => p.name === result.name);
    if (!result.chart || !published) continue;
    const file = join(store.localPath(published.uri), '000.parquet').replaceAll("'", "''");
    const rows = await warehouse.query(`SELECT * FROM read_parquet('${file}')`);
    charts.push({ id: result.name, ...result.chart, rows: rows.map(chartRow) });
  }
  return charts;
}

function chartRow(row: Row): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
}

function workBucket(stateDir: string): FilesystemObjectStore {
  return new FilesystemObjectStore({ [LOCAL_SETTINGS.workBucket]: join(stateDir, 'work-bucket') });
}
