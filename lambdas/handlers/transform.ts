// Transform task: run one SQL step of a pipeline (or its schema SQL) in one transaction,
// so a failure leaves the warehouse as it was before the step. A step's SQL names the staging
// tables; it runs against the run's own copies of them (see run-staging.ts).
import type { HandlerDeps } from '../core/deps.ts';
import { InvalidInput } from '../core/errors.ts';
import { REDLINE_TABLES_SQL } from '../core/run-audit.ts';
import { splitStatements } from '../core/sql-tokens.ts';
import { runScopedTables, scopeToRun } from '../core/run-staging.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { SCHEMA_STEP } from '../../lib/pipelines/spec.ts';
import { transformEvent } from './events.ts';

export interface TransformResult {
  step: string;
  statements: number;
}

export function createTransformHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<TransformResult> => {
    const event = transformEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    let statements: string[];
    if (event.step === SCHEMA_STEP) {
      const files = await Promise.all([REDLINE_TABLES_SQL, spec.schema].map((file) => deps.sql.read(file)));
      statements = files.flatMap(splitStatements);
    } else {
      const step = spec.steps.find((s) => s.name === event.step);
      if (!step) throw new InvalidInput(`pipeline ${spec.name} has no step ${event.step}`);
      const body = splitStatements(scopeToRun(await deps.sql.read(step.sql), runScopedTables(spec), event.runId));
      statements = step.mode === 'rebuild' ? [`DELETE FROM ${step.target}`, ...body] : body;
    }
    await deps.warehouse.executeInTransaction(statements, { runId: event.runId, step: event.step });
    return { step: event.step, statements: statements.length };
  };
}
