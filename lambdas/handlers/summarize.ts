// Summarize task: the run's last step. Drops the run's staging copies (a failed run keeps them,
// so a redrive or resume finds what it staged) and counts the rows of the tables the pipeline
// reports, for the run's result.
import type { HandlerDeps } from '../core/deps.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { summarizeEvent } from './events.ts';
import { dropRunStagingSql, runScopedTables } from '../core/run-staging.ts';

export interface SummaryResult {
  tables: Record<string, number>;
}

export function createSummarizeHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<SummaryResult> => {
    const event = summarizeEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const drops = runScopedTables(spec).map((table) => dropRunStagingSql(table, event.runId));
    if (drops.length > 0) await deps.warehouse.executeInTransaction(drops, { runId: event.runId, step: 'summarize' });
    return { tables: await countRows(deps, spec.reportTables) };
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
