// Summarize task: count the rows of the tables a pipeline reports, for the run's result.
import type { HandlerDeps } from '../core/deps.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { summarizeEvent } from './events.ts';

export interface SummaryResult {
  tables: Record<string, number>;
}

export function createSummarizeHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<SummaryResult> => {
    const event = summarizeEvent.parse(raw);
    return { tables: await countRows(deps, pipelineNamed(event.pipeline).reportTables) };
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
