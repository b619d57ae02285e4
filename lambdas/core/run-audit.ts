// The run audit: every task of a run records what it did in redline_runs (step, rows read,
// loaded and rejected, start, end, status). Values travel as parameters; a missing count is
// written as NULL in the text, since the Data API cannot bind NULL; every parameter is CAST so
// each engine infers one type for it. Recording is idempotent:
// a retried submit of the same record inserts nothing. What a step measured (a model's AUC, …)
// goes to redline_step_metrics, one row per metric, keyed like the step's record.
import type { SqlParams, Warehouse } from './ports.ts';

/** The SQL file, under sql/, creating redline's own tables (this audit, the load-once ledger); run before a pipeline's schema. */
export const REDLINE_TABLES_SQL = 'redline/create_redline_tables.sql';

export interface StepRecord {
  runId: string;
  pipeline: string;
  runDate: string;
  step: string;
  rows?: { read: number; loaded: number; rejected: number };
  startedAt: Date;
  endedAt: Date;
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  /** What the step measured, by name (camelCase here, snake_case in the warehouse); finite numbers only. */
  metrics?: Readonly<Record<string, number>>;
}

export async function recordStep(warehouse: Warehouse, record: StepRecord): Promise<void> {
  const params: Record<string, string | number> = {
    run_id: record.runId,
    pipeline: record.pipeline,
    run_date: record.runDate,
    step: record.step,
    started_at: sqlTimestamp(record.startedAt),
    ended_at: sqlTimestamp(record.endedAt),
    status: record.status,
  };
  const value = (name: string, present: string | number | undefined, cast: string): string => {
    if (present === undefined || present === '') return 'NULL';
    params[name] = present;
    return `CAST(:${name} AS ${cast})`;
  };
  const sql = `INSERT INTO redline_runs (run_id, pipeline, run_date, step, rows_read, rows_loaded, rows_rejected, started_at, ended_at, status, error)
SELECT CAST(:run_id AS VARCHAR(128)), CAST(:pipeline AS VARCHAR(64)), CAST(:run_date AS DATE), CAST(:step AS VARCHAR(128)),
       ${value('rows_read', record.rows?.read, 'BIGINT')}, ${value('rows_loaded', record.rows?.loaded, 'BIGINT')},
       ${value('rows_rejected', record.rows?.rejected, 'BIGINT')},
       CAST(:started_at AS TIMESTAMP), CAST(:ended_at AS TIMESTAMP), CAST(:status AS VARCHAR(16)),
       ${value('error', record.error?.slice(0, 1024), 'VARCHAR(1024)')}
WHERE NOT EXISTS (
    SELECT 1 FROM redline_runs
    WHERE run_id = CAST(:run_id AS VARCHAR(128)) AND step = CAST(:step AS VARCHAR(128))
      AND started_at = CAST(:started_at AS TIMESTAMP) AND status = CAST(:status AS VARCHAR(16))
)`;
  await warehouse.execute(sql, params as SqlParams, { runId: record.runId, step: `audit_${record.step}` });
  const metrics = Object.entries(record.metrics ?? {});
  if (metrics.length > 0) await recordMetrics(warehouse, record, metrics);
}

/** One row per metric in one INSERT … SELECT; a retried submit inserts nothing. */
async function recordMetrics(warehouse: Warehouse, record: StepRecord, metrics: readonly [string, number][]): Promise<void> {
  const params: Record<string, string | number> = {
    run_id: record.runId,
    pipeline: record.pipeline,
    step: record.step,
    started_at: sqlTimestamp(record.startedAt),
  };
  const rows = metrics.map(([name, value], i) => {
    params[`metric_${i}`] = snakeCase(name).slice(0, 64);
    params[`value_${i}`] = value;
    return `SELECT CAST(:metric_${i} AS VARCHAR(64)) AS metric, CAST(:value_${i} AS DOUBLE PRECISION) AS value`;
  });
  const sql = `INSERT INTO redline_step_metrics (run_id, pipeline, step, started_at, metric, value)
SELECT CAST(:run_id AS VARCHAR(128)), CAST(:pipeline AS VARCHAR(64)), CAST(:step AS VARCHAR(128)), CAST(:started_at AS TIMESTAMP),
       m.metric, m.value
FROM (${rows.join('\n      UNION ALL ')}) AS m
WHERE NOT EXISTS (
    SELECT 1 FROM redline_step_metrics AS k
    WHERE k.run_id = CAST(:run_id AS VARCHAR(128)) AND k.step = CAST(:step AS VARCHAR(128))
      AND k.started_at = CAST(:started_at AS TIMESTAMP) AND k.metric = m.metric
)`;
  await warehouse.execute(sql, params as SqlParams, { runId: record.runId, step: `audit_${record.step}_metrics` });
}

/** 'baselineAuc' → 'baseline_auc'. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm', the timestamp literal every engine reads the same way. */
function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
