// Model task: one model step of a pipeline. Queries the step's feature set (against the run's own
// copies of staging tables and run context, like a SQL step), trains the registered model on it
// (lambdas/core/models/), and replaces the step's target with the scores: the scores file goes to
// the work bucket, the warehouse COPYs it into the run's own copy of the target, and one
// transaction then empties the target and fills it from that copy, so a failure at any point
// leaves the target as it was and no score is ever INSERTed row by row from here. A feature set
// that cannot train the model fails the step with ModelTrainingFailed, or, for a model that keeps
// its scores then, succeeds untrained and leaves the target alone.
import type { HandlerDeps } from '../core/deps.ts';
import { copySpecSchema } from '../core/copy-spec.ts';
import { InvalidInput } from '../core/errors.ts';
import { modelScoresUri } from '../core/locations.ts';
import { parseFeatureSet } from '../core/models/feature-set.ts';
import { MODELS, type ModelDefinition, type ModelName } from '../core/models/registry.ts';
import { scoreColumns, scoresCsv } from '../core/models/scores-file.ts';
import { trainAndScore, untrainableReason, type EntityScore, type ModelMetrics } from '../core/models/train.ts';
import type { StatementContext } from '../core/ports.ts';
import { createRunStagingSql, runScopedTables, runStagingTable, scopeToRun } from '../core/run-staging.ts';
import { splitStatements } from '../core/sql-tokens.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { stepOfKind, type ModelStepSpec, type PipelineSpec } from '../../lib/pipelines/spec.ts';
import { modelEvent } from './events.ts';

export interface ModelHandlerOptions {
  /**
   * Resolves the event's pipeline to its spec.
   * @default the registry's pipelineNamed
   */
  readonly specNamed?: (name: string) => PipelineSpec;
  /**
   * The models a step may name.
   * @default MODELS
   */
  readonly models?: Readonly<Record<ModelName, ModelDefinition>>;
}

export interface ModelResult {
  step: string;
  model: ModelName;
  /** False when the feature set could not train the model and the target kept its scores. */
  trained: boolean;
  /** Rows scored and written to the target (0 when untrained: the target keeps what it had). */
  scored: number;
  /** What the training measured (recorded in the run audit); absent when untrained. */
  metrics?: ModelMetrics;
  /** Why the model was not trained. */
  untrained?: string;
}

export function createModelHandler(deps: HandlerDeps, options: ModelHandlerOptions = {}) {
  const specNamed = options.specNamed ?? pipelineNamed;
  const models = options.models ?? MODELS;
  return async (raw: unknown): Promise<ModelResult> => {
    const event = modelEvent.parse(raw);
    const spec = specNamed(event.pipeline);
    const step = stepOfKind(spec, event.step, 'model');
    const model = models[step.model];
    const rows = parseFeatureSet(await deps.warehouse.query(await featuresQuery(deps, spec, step, event.runId)), model);
    const untrained = untrainableReason(model, rows);
    if (untrained !== undefined && step.whenUntrainable === 'keep-scores') {
      return { step: step.name, model: step.model, trained: false, scored: 0, untrained };
    }
    const { scores, metrics } = trainAndScore(model, rows, step);
    await replaceScores(deps, spec, step, model, scores, event.runId);
    return { step: step.name, model: step.model, trained: true, scored: scores.length, metrics };
  };
}

/** The step's features SQL, one read-only statement, pointed at the run's own copies. */
async function featuresQuery(deps: HandlerDeps, spec: PipelineSpec, step: ModelStepSpec, runId: string): Promise<string> {
  const statements = splitStatements(scopeToRun(await deps.sql.read(step.features), runScopedTables(spec), runId));
  if (statements.length !== 1) throw new InvalidInput(`${step.features}: a features query is one statement, found ${statements.length}`);
  return statements[0]!;
}

/** Writes the scores file, COPYs it into the run's copy of the target, then swaps it in. */
async function replaceScores(
  deps: HandlerDeps,
  spec: PipelineSpec,
  step: ModelStepSpec,
  model: ModelDefinition,
  scores: readonly EntityScore[],
  runId: string,
): Promise<void> {
  const context: StatementContext = { runId, step: `model_${step.name}` };
  const uri = modelScoresUri(deps.settings, spec.name, runId, step.name);
  await deps.store.put(uri, scoresCsv(model.idColumn, step.model, scores));
  const scratch = runStagingTable(step.target, runId);
  const create = createRunStagingSql(await deps.sql.read(spec.schema), step.target, runId);
  await deps.warehouse.executeInTransaction([create, `DELETE FROM ${scratch}`], context);
  const columns = scoreColumns(model.idColumn);
  const copy = copySpecSchema.parse({
    table: scratch,
    columns,
    from: uri,
    format: { kind: 'csv', ignoreHeader: 1 },
    iamRole: deps.settings.copyRoleArn,
  });
  await deps.warehouse.copy(copy, context);
  const list = columns.join(', ');
  await deps.warehouse.executeInTransaction(
    [`DELETE FROM ${step.target}`, `INSERT INTO ${step.target} (${list}) SELECT ${list} FROM ${scratch}`, `DROP TABLE ${scratch}`],
    context,
  );
}
