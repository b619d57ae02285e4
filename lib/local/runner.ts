// The local runner: executes a pipeline's synthesized state machine with aws-local-stepfunctions,
// every Lambda task bound in-process to its real handler, waits and retry pauses shortened.
// There is no second implementation of the flow: Retry and Parallel behave as in AWS. A failed
// execution is reported as AWS's EventBridge rule reports it: the notify handler is called with
// the state that failed and the error; a notifier that fails too is reported beside the error.
import './promise-with-resolvers.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { createHandlers, type HandlerName, type TaskHandler } from '../../lambdas/handlers/index.ts';
import type { CheckResult } from '../../lambdas/core/errors.ts';
import type { Warehouse } from '../../lambdas/core/ports.ts';
import { DataQualityCheckFailed } from '../../lambdas/core/errors.ts';
import type { StageResult } from '../../lambdas/handlers/stage.ts';
import type { PublishedResult } from '../../lambdas/handlers/publish.ts';
import { countRows } from '../../lambdas/handlers/summarize.ts';
import { pipelineNamed } from '../pipelines/index.ts';
import type { PipelineSpec } from '../pipelines/spec.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { readExecution, saveExecution } from './execution-records.ts';
import { openLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from './local-environment.ts';
import { allStates, definitionOf, handlerOfFunctionArn, startingAt, type AslDefinition } from './state-machine-definition.ts';
import { localJobRunHandler, startsJobRun, type LocalJobRunOptions } from './spark-job-runs.ts';

/** Lets a caller wrap the task handlers, e.g. to inject faults, or share one open environment. */
interface Interception {
  interceptTasks?: (handlers: Record<HandlerName, TaskHandler>) => Record<HandlerName, TaskHandler>;
  /** An environment already open (e.g. for concurrent runs of a backfill); the run leaves it open. */
  environment?: LocalEnvironment;
  /** Factor applied to job steps' timeouts (see LocalJobRunOptions.timeoutScale). @default 1 */
  jobTimeoutScale?: number;
}

export interface ResumeOptions extends LocalEnvironmentOptions, Interception {
  /** The failed run to continue. */
  runId: string;
}

export interface LocalRunOptions extends LocalEnvironmentOptions, Interception {
  pipeline: string;
  /** The run date (YYYY-MM-DD), or the run's time as a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ), as the scheduler passes it. */
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
  /** The first rejected rows of each load that rejected any. */
  rejectedSample: { table: string; fileName: string; lineNumber: number; errorMessage: string; rawLine: string }[];
  /** The result sets the run published. */
  published: PublishedResult[];
  startedAt: string;
  error?: { name: string; message: string };
  /** The state the run failed in (inside a Parallel branch, the branch's task). */
  failedStep?: string;
  /** Why the failure alert could not be sent, when it could not. */
  alertError?: { name: string; message: string };
  durationMs: number;
}

type TaskOverrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** What an execution name may be (Step Functions' own rule), and so what a run's records can hold. */
const RUN_ID = /^[A-Za-z0-9_.-]{1,80}$/;

/** Local pauses: a Wait or a Retry interval lasts this long instead of seconds or minutes. */
const SHORTENED_PAUSE_MS = 5;

export async function runPipelineLocally(options: LocalRunOptions): Promise<RunOutcome> {
  const spec = pipelineNamed(options.pipeline);
  const runDate = options.runDate.slice(0, 10);
  const runId = options.runId ?? `${spec.name}-${runDate}-${randomBytes(4).toString('hex')}`;
  if (!RUN_ID.test(runId)) throw new InvalidInput(`not a run id (letters, digits, '-', '_' and '.', at most 80): ${runId}`);
  const definition = definitionOf(spec);
  return execute(options, { spec, runId, runDate, definition, input: { runDate: options.runDate } });
}

/**
 * Continues a failed local run from the state that failed, with the input that state had, as
 * Step Functions redrive does: the states that succeeded are not run again.
 */
export async function resumePipelineLocally(options: ResumeOptions): Promise<RunOutcome> {
  const saved = await readExecution(options.stateDir, options.runId);
  if (saved.status !== 'FAILED' || saved.failedState === undefined) {
    throw new InvalidInput(`run ${options.runId} did not fail in a state that can be resumed (status ${saved.status})`);
  }
  const definition = startingAt(definitionOf(pipelineNamed(saved.pipeline)), saved.failedState);
  const context = { spec: pipelineNamed(saved.pipeline), runId: saved.runId, runDate: saved.runDate, definition, input: saved.failedStateInput };
  return execute(options, context);
}

interface ExecutionPlan {
  spec: PipelineSpec;
  runId: string;
  runDate: string;
  definition: AslDefinition;
  input: unknown;
}

async function execute(options: LocalEnvironmentOptions & Interception, plan: ExecutionPlan): Promise<RunOutcome> {
  const started = Date.now();
  const { spec, runId, definition } = plan;
  const environment = options.environment ?? (await openLocalEnvironment(options));
  try {
    const observed = new ObservedTasks();
    const tasks = new TasksInFlight();
    const handlers = tasks.track(observed.wrap((options.interceptTasks ?? ((h) => h))(createHandlers(environment))));
    const execution = new StateMachine(definition as unknown as StateMachineDefinition).run(plan.input as never, {
      overrides: {
        taskResourceLocalHandlers: bindTaskStates(definition, handlers, {
          logDir: join(options.stateDir, 'job-logs'),
          ...(options.jobTimeoutScale === undefined ? {} : { timeoutScale: options.jobTimeoutScale }),
        }) as TaskOverrides,
        waitTimeOverrides: pausesOf(definition, 'Wait'),
        retryIntervalOverrides: pausesOf(definition, 'Task'),
      },
      context: {
        Execution: {
          Id: `arn:aws:states:us-east-1:000000000000:execution:redline-${spec.name}:${runId}`,
          Name: runId,
        },
      },
    });
    const failure = failedStates(execution.eventLogs, new Set(Object.keys(definition.States)));
    let error: RunOutcome['error'];
    try {
      await execution.result;
    } catch (thrown) {
      const cause = (thrown as Error).cause as Error | undefined;
      error = { name: cause?.name ?? 'ExecutionError', message: cause?.message ?? (thrown as Error).message };
    }
    // A failed Parallel branch fails the execution while its sibling branches' tasks still run;
    // as Lambda would, let them finish before the warehouse closes.
    await tasks.settled();
    const failedAt = error ? await failure : undefined;
    const alertError = error && (await sendFailureAlert(handlers.notify, { spec, runId, runDate: plan.runDate, error, failedAt }));
    const outcome: RunOutcome = {
      pipeline: spec.name,
      runId,
      runDate: plan.runDate,
      status: error ? 'FAILED' : 'SUCCEEDED',
      tables: await countRows(environment, await existingTables(environment.warehouse, spec.reportTables)),
      checks: observed.checks,
      loads: observed.loads.map(({ table, files, read, loaded, rejected }) => ({ table, files, read, loaded, rejected })),
      rejectedSample: observed.loads.flatMap((l) =>
        l.rejectedSample.map((r) => ({ table: l.table, fileName: r.fileName, lineNumber: r.lineNumber, errorMessage: r.errorMessage, rawLine: r.rawLine })),
      ),
      published: observed.published,
      startedAt: new Date(started).toISOString(),
      ...(error ? { error } : {}),
      ...(failedAt ? { failedStep: failedAt.step } : {}),
      ...(alertError ? { alertError } : {}),
      durationMs: Date.now() - started,
    };
    await saveExecution(options.stateDir, {
      pipeline: spec.name,
      runId,
      runDate: plan.runDate,
      status: error ? 'FAILED' : 'SUCCEEDED',
      ...(failedAt ? { failedState: failedAt.resumeAt, failedStateInput: failedAt.input } : {}),
      outcome,
    });
    return outcome;
  } finally {
    if (!options.environment) await environment.close();
  }
}

interface FailedStates {
  /** The top-level state that failed the execution: where a resume starts, with the input it had. */
  resumeAt: string;
  input: unknown;
  /** The state the error came from: `resumeAt`, or the task inside its Parallel branch. */
  step: string;
}

/**
 * Where the execution failed, from its event log; a failure that was retried does not count, and
 * in a pipeline with triggered steps the first failure caught (where the main line broke, not the
 * 'Run failed' state that ends the run) is the one. Events of states inside a Parallel branch
 * arrive like top-level ones: `topLevel` tells them apart.
 */
async function failedStates(events: AsyncGenerator<unknown>, topLevelStates: ReadonlySet<string>): Promise<FailedStates | undefined> {
  let nested: string | undefined;
  let failed: FailedStates | undefined;
  let firstCaught: FailedStates | undefined;
  for await (const event of events) {
    const { type, state } = event as { type: string; state?: { name: string; input: unknown } };
    if (!state) continue;
    const topLevel = topLevelStates.has(state.name);
    if (type === 'StateRetried') {
      if (topLevel) failed = undefined;
      else if (nested === state.name) nested = undefined;
    } else if (type === 'StateFailed') {
      if (topLevel) failed = { resumeAt: state.name, input: state.input, step: nested ?? state.name };
      else nested ??= state.name;
    } else if (type === 'StateCaught' && topLevel) {
      firstCaught ??= failed;
    } else if (type === 'StateEntered' && topLevel) {
      nested = undefined;
    }
  }
  return firstCaught ?? failed;
}

/** Calls the notify handler as the AWS failure rule would; returns why it failed, if it did. */
async function sendFailureAlert(
  notify: TaskHandler,
  run: { spec: PipelineSpec; runId: string; runDate: string; error: { name: string; message: string }; failedAt?: FailedStates },
): Promise<RunOutcome['alertError']> {
  try {
    await notify({
      pipeline: run.spec.name,
      runId: run.runId,
      runDate: run.runDate,
      failedStep: run.failedAt?.step ?? 'the execution',
      error: { Error: run.error.name, Cause: run.error.message },
    });
    return undefined;
  } catch (thrown) {
    const error = thrown as Error;
    return { name: error.name, message: error.message };
  }
}

/** The tables of `tables` the warehouse has (a run that failed early may not have created them). */
async function existingTables(warehouse: Warehouse, tables: readonly string[]): Promise<string[]> {
  const rows = await warehouse.query('SELECT table_name FROM information_schema.tables');
  const present = new Set(rows.map((r) => r.table_name));
  return tables.filter((t) => present.has(t));
}

/**
 * Maps each Task state of the definition to the handler its function ARN stands for, and each
 * EMR Serverless job run state to a local run of its job's command (given `jobs`).
 */
export function bindTaskStates(
  definition: AslDefinition,
  handlers: Readonly<Record<HandlerName, TaskHandler>>,
  jobs?: LocalJobRunOptions,
): Record<string, TaskHandler> {
  const bound: Record<string, TaskHandler> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    if (jobs && startsJobRun(state)) {
      bound[name] = localJobRunHandler(name, state, jobs);
      continue;
    }
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

/** The task invocations not finished yet, so the run can wait for them before it closes the warehouse. */
class TasksInFlight {
  private readonly pending = new Set<Promise<unknown>>();

  track(handlers: Record<HandlerName, TaskHandler>): Record<HandlerName, TaskHandler> {
    const tracked = Object.entries(handlers).map(([name, handler]) => [
      name,
      (event: unknown) => {
        const call = handler(event);
        this.pending.add(call);
        void call.then(
          () => this.pending.delete(call),
          () => this.pending.delete(call),
        );
        return call;
      },
    ]);
    return Object.fromEntries(tracked) as Record<HandlerName, TaskHandler>;
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** Keeps what the stage and check tasks reported, including checks that failed the run. */
class ObservedTasks {
  readonly loads: StageResult[] = [];
  checks: CheckResult[] = [];
  published: PublishedResult[] = [];

  wrap(handlers: Record<HandlerName, TaskHandler>): Record<HandlerName, TaskHandler> {
    return {
      ...handlers,
      stage: async (event) => {
        const result = (await handlers.stage(event)) as StageResult;
        this.loads.push(result);
        return result;
      },
      publish: async (event) => {
        const result = (await handlers.publish(event)) as { published: PublishedResult[] };
        this.published = result.published;
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
