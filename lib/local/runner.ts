// The local runner: executes a pipeline's synthesized state machine with aws-local-stepfunctions,
// every Lambda task bound in-process to its real handler, waits and retry pauses shortened.
// There is no second implementation of the flow: Retry, Catch and Parallel behave as in AWS.
import './promise-with-resolvers.ts';
import { randomBytes } from 'node:crypto';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { createHandlers, type HandlerName, type TaskHandler } from '../../lambdas/handlers/index.ts';
import type { CheckResult } from '../../lambdas/core/errors.ts';
import type { Warehouse } from '../../lambdas/core/ports.ts';
import { DataQualityCheckFailed } from '../../lambdas/core/errors.ts';
import type { StageResult } from '../../lambdas/handlers/stage.ts';
import { countRows } from '../../lambdas/handlers/summarize.ts';
import { pipelineNamed } from '../pipelines/index.ts';
import { openLocalEnvironment, type LocalEnvironmentOptions } from './local-environment.ts';
import { allStates, definitionOf, handlerOfFunctionArn, type AslDefinition } from './state-machine-definition.ts';

export interface LocalRunOptions extends LocalEnvironmentOptions {
  pipeline: string;
  /** The run date (YYYY-MM-DD). */
  runDate: string;
  /** Execution name; default `<pipeline>-<date>-<random>`. */
  runId?: string;
}

/** What a run did, in the shape `redline run --json` prints. */
export interface RunOutcome {
  pipeline: string;
  runId: string;
  runDate: string;
  status: 'SUCCEEDED' | 'FAILED';
  tables: Record<string, number>;
  checks: CheckResult[];
  loads: { table: string; files: number; read: number; loaded: number; rejected: number }[];
  error?: { name: string; message: string };
  durationMs: number;
}

type TaskOverrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** Local pauses: a Wait or a Retry interval lasts this long instead of seconds or minutes. */
const SHORTENED_PAUSE_MS = 5;

export async function runPipelineLocally(options: LocalRunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const spec = pipelineNamed(options.pipeline);
  const runId = options.runId ?? `${spec.name}-${options.runDate}-${randomBytes(4).toString('hex')}`;
  const definition = definitionOf(spec);
  const environment = await openLocalEnvironment(options);
  try {
    const observed = new ObservedTasks();
    const handlers = observed.wrap(createHandlers(environment));
    const execution = new StateMachine(definition as unknown as StateMachineDefinition).run(
      { runDate: options.runDate },
      {
        overrides: {
          taskResourceLocalHandlers: bindTaskStates(definition, handlers) as TaskOverrides,
          waitTimeOverrides: pausesOf(definition, 'Wait'),
          retryIntervalOverrides: pausesOf(definition, 'Task'),
        },
        context: {
          Execution: {
            Id: `arn:aws:states:us-east-1:000000000000:execution:redline-${spec.name}:${runId}`,
            Name: runId,
          },
        },
      },
    );
    let error: RunOutcome['error'];
    try {
      await execution.result;
    } catch (failure) {
      const cause = (failure as Error).cause as Error | undefined;
      error = { name: cause?.name ?? 'ExecutionError', message: cause?.message ?? (failure as Error).message };
    }
    return {
      pipeline: spec.name,
      runId,
      runDate: options.runDate,
      status: error ? 'FAILED' : 'SUCCEEDED',
      tables: await countRows(environment, await existingTables(environment.warehouse, spec.reportTables)),
      checks: observed.checks,
      loads: observed.loads.map(({ table, files, read, loaded, rejected }) => ({ table, files, read, loaded, rejected })),
      ...(error ? { error } : {}),
      durationMs: Date.now() - started,
    };
  } finally {
    await environment.close();
  }
}

/** The tables of `tables` the warehouse has (a run that failed early may not have created them). */
async function existingTables(warehouse: Warehouse, tables: readonly string[]): Promise<string[]> {
  const rows = await warehouse.query('SELECT table_name FROM information_schema.tables');
  const present = new Set(rows.map((r) => r.table_name));
  return tables.filter((t) => present.has(t));
}

/** Maps each Task state of the definition to the handler its function ARN stands for. */
export function bindTaskStates(
  definition: AslDefinition,
  handlers: Readonly<Record<HandlerName, TaskHandler>>,
): Record<string, TaskHandler> {
  const bound: Record<string, TaskHandler> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const handler = handlerOfFunctionArn(String(state.Resource));
    if (!handler) throw new Error(`task ${name} calls ${String(state.Resource)}, which has no local handler`);
    bound[name] = handlers[handler];
  }
  return bound;
}

function pausesOf(definition: AslDefinition, type: string): Record<string, number> {
  return Object.fromEntries(
    allStates(definition)
      .filter(([, state]) => state.Type === type)
      .map(([name]) => [name, SHORTENED_PAUSE_MS]),
  );
}

/** Keeps what the stage and check tasks reported, including checks that failed the run. */
class ObservedTasks {
  readonly loads: StageResult[] = [];
  checks: CheckResult[] = [];

  wrap(handlers: Record<HandlerName, TaskHandler>): Record<HandlerName, TaskHandler> {
    return {
      ...handlers,
      stage: async (event) => {
        const result = (await handlers.stage(event)) as StageResult;
        this.loads.push(result);
        return result;
      },
      check: async (event) => {
        try {
          const result = (await handlers.check(event)) as { checks: CheckResult[] };
          this.checks = result.checks;
          return result;
        } catch (error) {
          if (error instanceof DataQualityCheckFailed) this.checks = [...error.results];
          throw error;
        }
      },
    };
  }
}
