// Transform task: run one SQL step of a pipeline (or its schema SQL) in one transaction,
// so a failure leaves the warehouse as it was before the step. A step's SQL names the staging
// tables and run_context; it runs against the run's own copies of them (see run-staging.ts). The
// schema step also creates the run's context and fills it with the run's id, date and time.
import type { HandlerDeps } from '../core/deps.ts';
import { REDLINE_TABLES_SQL } from '../core/run-audit.ts';
import { splitStatements } from '../core/sql-tokens.ts';
import { RUN_CONTEXT_TABLE, createRunStagingSql, runScopedTables, runStagingTable, scopeToRun } from '../core/run-staging.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { SCHEMA_STEP, stepOfKind, type PipelineSpec } from '../../lib/pipelines/spec.ts';
import { transformEvent, type TransformEvent } from './events.ts';

export interface TransformResult {
  step: string;
  statements: number;
}

export function createTransformHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<TransformResult> => {
    const event = transformEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const context = { runId: event.runId, step: event.step };
    if (event.step === SCHEMA_STEP) return { step: event.step, statements: await createSchema(deps, spec, event) };
    const step = stepOfKind(spec, event.step, 'sql');
    const body = splitStatements(scopeToRun(await deps.sql.read(step.sql), runScopedTables(spec), event.runId));
    const statements = step.mode === 'rebuild' ? [`DELETE FROM ${step.target}`, ...body] : body;
    await deps.warehouse.executeInTransaction(statements, context);
    return { step: event.step, statements: statements.length };
  };
}

/** redline's tables, the pipeline's tables and the run's context; returns the statements run. */
async function createSchema(deps: HandlerDeps, spec: PipelineSpec, event: TransformEvent): Promise<number> {
  const context = { runId: event.runId, step: event.step };
  const [redlineTables, schema] = await Promise.all([deps.sql.read(REDLINE_TABLES_SQL), deps.sql.read(spec.schema)]);
  const runContext = runStagingTable(RUN_CONTEXT_TABLE, event.runId);
  const statements = [
    ...splitStatements(redlineTables),
    ...splitStatements(schema),
    createRunStagingSql(redlineTables, RUN_CONTEXT_TABLE, event.runId),
    `DELETE FROM ${runContext}`,
  ];
  await deps.warehouse.executeInTransaction(statements, context);
  await deps.warehouse.execute(
    `INSERT INTO ${runContext} (run_id, pipeline, run_date, run_time)
     VALUES (:run_id, :pipeline, CAST(:run_date AS DATE), CAST(:run_time AS TIMESTAMP))`,
    { run_id: event.runId, pipeline: spec.name, run_date: event.runDate, run_time: event.runTime ?? `${event.runDate} 00:00:00` },
    context,
  );
  return statements.length + 1;
}
