// Read watermarks task: the highest value imported so far of each incrementally extracted table
// of a pipeline, handed to the extract task through the state (0 for a table never imported).
// It runs before Create tables, so it creates redline's own tables first (all IF NOT EXISTS).
import type { HandlerDeps } from '../core/deps.ts';
import { REDLINE_TABLES_SQL } from '../core/run-audit.ts';
import { splitStatements } from '../core/sql-tokens.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { watermarksEvent } from './events.ts';

export function createWatermarksHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<Record<string, number>> => {
    const event = watermarksEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const incremental = (spec.extract?.tables ?? []).filter((t) => t.incremental).map((t) => t.table);
    if (incremental.length === 0) return {};
    const context = { runId: event.runId, step: 'watermarks' };
    await deps.warehouse.executeInTransaction(splitStatements(await deps.sql.read(REDLINE_TABLES_SQL)), context);
    const rows = await deps.warehouse.query(
      'SELECT source_table, MAX(high_water) AS high_water FROM redline_watermarks WHERE pipeline = :pipeline GROUP BY source_table',
      { pipeline: spec.name },
    );
    const known = new Map(rows.map((r) => [String(r.source_table), Number(r.high_water)]));
    return Object.fromEntries(incremental.map((table) => [table, known.get(table) ?? 0]));
  };
}
