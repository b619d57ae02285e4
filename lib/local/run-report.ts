// The run report of a local run: its outcome (as saved with the execution), the durations of its
// steps from the run audit, and a chart of each published result set — rendered by lib/report
// into <stateDir>/reports/, with an index of every run.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { pipelineNamed } from '../pipelines/index.ts';
import { writeReport, type RunReport } from '../report/index.ts';
import { resultCharts, stepDurations } from '../../lambdas/core/run-report-data.ts';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
import { readExecution } from './execution-records.ts';
import { FilesystemObjectStore } from './filesystem-store.ts';
import { SqlFolder } from './sql-folder.ts';
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
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
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
      charts: await resultCharts(warehouse, new SqlFolder(), pipelineNamed(outcome.pipeline)),
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
