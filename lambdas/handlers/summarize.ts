// Summarize task: the run's last step. Drops the run's staging copies (a failed run keeps them,
// so a redrive or resume finds what it staged), counts the rows of the tables the pipeline
// reports, and writes the run's HTML report next to its published result sets.
import type { HandlerDeps } from '../core/deps.ts';
import { reportUri } from '../core/locations.ts';
import { resultCharts, stepDurations } from '../core/run-report-data.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { renderRunReport } from '../../lib/report/index.ts';
import { summarizeEvent } from './events.ts';
import { dropRunStagingSql, runCopiedTables } from '../core/run-staging.ts';

export interface SummaryResult {
  tables: Record<string, number>;
  /** The run's HTML report. */
  report: string;
}

export function createSummarizeHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<SummaryResult> => {
    const event = summarizeEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const drops = runCopiedTables(spec).map((table) => dropRunStagingSql(table, event.runId));
    if (drops.length > 0) await deps.warehouse.executeInTransaction(drops, { runId: event.runId, step: 'summarize' });
    const tables = await countRows(deps, spec.reportTables);
    const steps = await stepDurations(deps.warehouse, event.runId);
    const html = await renderRunReport({
      pipeline: spec.name,
      runId: event.runId,
      runDate: event.runDate,
      status: 'SUCCEEDED',
      durationMs: steps.reduce((ms, s) => ms + s.ms, 0),
      tables,
      loads: event.loads.map(({ table, files, read, loaded, rejected }) => ({ table, files, read, loaded, rejected })),
      rejectedSample: [],
      checks: event.checks,
      steps,
      charts: await resultCharts(deps.warehouse, deps.sql, spec),
      published: event.published,
    });
    const report = reportUri(deps.settings, spec.name, event.runDate);
    await deps.store.put(report, html);
    return { tables, report };
  };
}

/** Row count per table; the names come from a validated spec. */
export async function countRows(deps: Pick<HandlerDeps, 'warehouse'>, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await deps.warehouse.query(`SELECT COUNT(*) AS row_count FROM ${table}`);
    counts[table] = Number(row?.row_count ?? 0);
  }
  return counts;
}
