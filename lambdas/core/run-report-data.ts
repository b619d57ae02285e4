// What a run report needs beyond the run's own outcome, read from the warehouse the same way in
// AWS and locally: the duration of each step (the run audit) and the rows of each charted result set.
import type { PipelineSpec } from '../../lib/pipelines/spec.ts';
import type { ChartSpec, StepDuration } from '../../lib/report/index.ts';
import type { SqlLibrary } from './deps.ts';
import type { Row, Warehouse } from './ports.ts';

/** The run's audited steps in the order they started, with how long each took. */
export async function stepDurations(warehouse: Warehouse, runId: string): Promise<StepDuration[]> {
  const rows = await warehouse.query(
    `SELECT step, status, DATEDIFF(millisecond, started_at, ended_at) AS ms
     FROM redline_runs WHERE run_id = :run_id ORDER BY started_at, step`,
    { run_id: runId },
  );
  return rows.map((r) => ({ step: String(r.step), status: String(r.status), ms: Number(r.ms) }));
}

/** One chart per published result set that declares one, from the result set's query. */
export async function resultCharts(warehouse: Warehouse, sql: SqlLibrary, spec: PipelineSpec): Promise<ChartSpec[]> {
  const charts: ChartSpec[] = [];
  for (const result of spec.publish) {
    if (!result.chart) continue;
    const rows = await warehouse.query(await sql.read(result.sql));
    charts.push({ id: result.name, ...result.chart, rows: rows.map(chartRow) });
  }
  return charts;
}

function chartRow(row: Row): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
}
