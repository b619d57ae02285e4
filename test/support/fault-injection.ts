// Fault injection through the real state machine: the Task states of a pipeline's synthesized
// definition, a wrapper that makes exactly one of them throw a chosen error on chosen calls (the
// state is recognised from its handler's event: the handler name and the constant fields the
// state passes, such as `step` or `table`), a wrapper of the warehouse that makes chosen
// statements fail inside a task, and runs that record what the warehouse's report tables held
// when the faulty task was invoked, what they held after the run, and every alert.
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateAssessments } from '../../lib/generators/assessments.ts';
import { generateSparkifySample } from '../../lib/generators/sparkify.ts';
import { generateUserActivityRound } from '../../lib/generators/user-activity.ts';
import { openLocalEnvironment } from '../../lib/local/local-environment.ts';
import { resumePipelineLocally, runPipelineLocally, type RunOutcome } from '../../lib/local/runner.ts';
import { allStates, definitionOf, handlerOfFunctionArn } from '../../lib/local/state-machine-definition.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import type { PipelineSpec } from '../../lib/pipelines/spec.ts';
import { StatementAborted, StatementTimedOut, WarehouseUnavailable } from '../../lambdas/aws/statement-errors.ts';
import { StatementFailed, WarehouseThrottled } from '../../lambdas/core/errors.ts';
import type { Alert, SqlParams, Warehouse } from '../../lambdas/core/ports.ts';
import { HANDLER_NAMES, type HandlerName, type TaskHandler } from '../../lambdas/handlers/index.ts';
import { CapturingNotifier } from './capturing-notifier.ts';
import { fingerprintTables, type Fingerprint } from './fingerprint.ts';

/** A Task state of a definition: its name, the handler it invokes and the constant fields of its event. */
export interface TaskState {
  name: string;
  handler: HandlerName;
  fields: Readonly<Record<string, unknown>>;
}

/**
 * Every Task state of the pipeline's state machine (nested Parallel branches and Map processors
 * included), from the definition the runner executes. Throws if two states could not be told
 * apart by their events, since a fault aimed at one would then hit both.
 */
export function taskStatesOf(spec: PipelineSpec): TaskState[] {
  const states: TaskState[] = [];
  for (const [name, state] of allStates(definitionOf(spec))) {
    if (state.Type !== 'Task') continue;
    const handler = handlerOfFunctionArn(String(state.Resource));
    if (!handler) throw new Error(`task ${name} calls ${String(state.Resource)}, which has no local handler`);
    const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(parameters).filter(([key]) => !key.endsWith('.$') && key !== 'pipeline'));
    states.push({ name, handler, fields });
  }
  const signatures = states.map((s) => JSON.stringify([s.handler, Object.entries(s.fields).sort()]));
  const ambiguous = states.filter((_, i) => signatures.indexOf(signatures[i]!) !== i).map((s) => s.name);
  if (ambiguous.length > 0) throw new Error(`${spec.name}: task states with indistinguishable events: ${ambiguous.join(', ')}`);
  return states;
}

/** Whether a call of `state`'s handler with `event` is the work of `state` (and not of another state using that handler). */
function isCallOf(state: TaskState, event: unknown): boolean {
  const fields = event as Record<string, unknown>;
  return Object.entries(state.fields).every(([key, value]) => fields[key] === value);
}

/** The error a faulty task throws on its `call`-th invocation (1-based), or undefined to let it work. */
export type Fault = (call: number) => Error | undefined;

/** What the faults throw, named as the warehouse adapters name them. */
export const faultErrors = {
  statementFailed: (state: string) => new StatementFailed(`injected at ${state}: relation "stl_missing" does not exist`),
  throttled: () => new WarehouseThrottled('injected: ThrottlingException: Rate exceeded'),
  aborted: () => new StatementAborted('injected-statement', 'aborted by the warehouse under load'),
  timedOut: () => new StatementTimedOut('injected-statement', 900_000, 'the step ran out of time'),
  unavailable: () => new WarehouseUnavailable('injected: InternalServerException: the statement could not complete'),
};

/** The fault throws on every call. */
export const always = (error: () => Error): Fault => () => error();

/** The fault throws on the first `calls` calls, then lets the task work. */
export const firstCalls = (calls: number, error: () => Error): Fault => (call) => (call <= calls ? error() : undefined);

/** What the notify handler throws when a run asks it to fail: an SNS-like error. */
export const NOTIFIER_FAILURE = { name: 'NotFoundException', message: 'injected: Topic does not exist' };

/** A pipeline to inject faults into, with the data and preparation its runs need. */
export interface Subject {
  pipeline: string;
  runDate: string;
  /** Every run gets the same id, so report rows that carry it compare equal across runs. */
  runId: string;
  dataDir: string;
  /** Puts the state folder where the pipeline expects to find it (e.g. an init workflow run). */
  prepare?: (stateDir: string) => Promise<void>;
}

export interface FaultyRun {
  outcome: RunOutcome;
  alerts: Alert[];
  /** How many times the faulty state's handler was invoked. */
  calls: number;
  /** The report tables when the faulty state was first invoked, before anything it did. */
  atFirstCall: Record<string, Fingerprint> | undefined;
  /** The report tables once the run ended and every task call it made had settled. */
  afterRun: Record<string, Fingerprint>;
  stateDir: string;
}

export interface FaultyRunOptions {
  state: TaskState;
  fault: Fault;
  /** Makes the notify handler throw {@link NOTIFIER_FAILURE}. */
  notifyFails?: boolean;
}

/** Runs the subject's pipeline in a fresh state folder, with `fault` injected at `state`. */
export function runWithFault(subject: Subject, injection: FaultyRunOptions): Promise<FaultyRun> {
  return runInFreshState(subject, injection, undefined);
}

/**
 * The error a warehouse `execute` call throws, given its SQL and parameters and how many earlier
 * calls this fault already failed, or undefined to let the statement run.
 */
export type StatementFault = (sql: string, params: SqlParams, failedSoFar: number) => Error | undefined;

/** Runs the subject's pipeline in a fresh state folder, its warehouse's `execute` failing as `fault` says; how many statements it failed. */
export async function runWithStatementFault(subject: Subject, fault: StatementFault): Promise<FaultyRun & { failedStatements: number }> {
  let failedStatements = 0;
  const run = await runInFreshState(subject, undefined, (sql, params) => {
    const error = fault(sql, params, failedStatements);
    if (error) failedStatements += 1;
    return error;
  });
  return { ...run, failedStatements };
}

/** Runs the subject's pipeline without faults in a fresh state folder; its report tables' fingerprints. */
export async function cleanRun(subject: Subject): Promise<{ outcome: RunOutcome; fingerprints: Record<string, Fingerprint> }> {
  const run = await runInFreshState(subject, undefined, undefined);
  return { outcome: run.outcome, fingerprints: run.afterRun };
}

async function runInFreshState(
  subject: Subject,
  injection: FaultyRunOptions | undefined,
  statementFault: ((sql: string, params: SqlParams) => Error | undefined) | undefined,
): Promise<FaultyRun> {
  const spec = pipelineNamed(subject.pipeline);
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-fault-'));
  await subject.prepare?.(stateDir);
  const notifier = new CapturingNotifier();
  const environment = await openLocalEnvironment({ dataDir: subject.dataDir, stateDir, notifier });
  try {
    let calls = 0;
    let atFirstCall: Record<string, Fingerprint> | undefined;
    const inFlight: Promise<void>[] = [];
    const tracked = (work: TaskHandler): TaskHandler => (event) => {
      const call = work(event);
      inFlight.push(call.then(() => undefined, () => undefined));
      return call;
    };
    const faulty = ({ state, fault }: FaultyRunOptions, work: TaskHandler): TaskHandler => async (event) => {
      if (!isCallOf(state, event)) return work(event);
      calls += 1;
      atFirstCall ??= await reportFingerprints(environment.warehouse, spec);
      const error = fault(calls);
      if (error) throw error;
      return work(event);
    };
    const intercept = (handlers: Record<HandlerName, TaskHandler>): Record<HandlerName, TaskHandler> => {
      const injected = injection
        ? {
            ...handlers,
            [injection.state.handler]: faulty(injection, handlers[injection.state.handler]),
            ...(injection.notifyFails ? { notify: failingNotify } : {}),
          }
        : handlers;
      return Object.fromEntries(HANDLER_NAMES.map((name) => [name, tracked(injected[name])])) as Record<HandlerName, TaskHandler>;
    };
    const outcome = await runPipelineLocally({
      pipeline: subject.pipeline,
      runDate: subject.runDate,
      runId: subject.runId,
      dataDir: subject.dataDir,
      stateDir,
      environment: statementFault ? { ...environment, warehouse: failingStatements(environment.warehouse, statementFault) } : environment,
      interceptTasks: intercept,
    });
    // A failed Parallel branch does not stop its siblings' tasks (nor does Step Functions stop
    // their Lambdas): the run's effect on the warehouse is final once every task call has settled.
    await Promise.all(inFlight);
    return { outcome, alerts: notifier.alerts, calls, atFirstCall, afterRun: await reportFingerprints(environment.warehouse, spec), stateDir };
  } finally {
    await environment.close();
  }
}

/**
 * The warehouse, its `execute` calls and its transactions failing with the error `fault` gives for a
 * statement (before it runs; a failing transaction runs none of its statements, as a rollback leaves it).
 */
function failingStatements<W extends Warehouse>(warehouse: W, fault: (sql: string, params: SqlParams) => Error | undefined): W {
  return new Proxy(warehouse, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'execute') {
        return async (...[sql, params, context]: Parameters<Warehouse['execute']>) => {
          const error = fault(sql, params);
          if (error) throw error;
          return target.execute(sql, params, context);
        };
      }
      if (property === 'executeInTransaction') {
        return async (...[statements, context]: Parameters<Warehouse['executeInTransaction']>) => {
          for (const sql of statements) {
            const error = fault(sql, {});
            if (error) throw error;
          }
          return target.executeInTransaction(statements, context);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function failingNotify(): Promise<never> {
  throw Object.assign(new Error(NOTIFIER_FAILURE.message), { name: NOTIFIER_FAILURE.name });
}

/** Resumes a failed run from its failed state, as `redline run --resume` does, with no fault left. */
async function resumeRun(subject: Subject, run: FaultyRun): Promise<{ outcome: RunOutcome; alerts: Alert[]; fingerprints: Record<string, Fingerprint> }> {
  const notifier = new CapturingNotifier();
  const environment = await openLocalEnvironment({ dataDir: subject.dataDir, stateDir: run.stateDir, notifier });
  try {
    const outcome = await resumePipelineLocally({ runId: run.outcome.runId, dataDir: subject.dataDir, stateDir: run.stateDir, environment });
    return { outcome, alerts: notifier.alerts, fingerprints: await reportFingerprints(environment.warehouse, pipelineNamed(subject.pipeline)) };
  } finally {
    await environment.close();
  }
}

/** Fingerprints of the spec's report tables that exist (a run that failed early has created none). */
async function reportFingerprints(warehouse: Warehouse, spec: PipelineSpec): Promise<Record<string, Fingerprint>> {
  const present = new Set((await warehouse.query('SELECT table_name FROM information_schema.tables')).map((r) => r.table_name));
  return fingerprintTables(warehouse, spec.reportTables.filter((t) => present.has(t)));
}

/** Sparkify on one generated day of 200 events. */
export async function sparkifySubject(): Promise<Subject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redline-fault-sparkify-'));
  await generateSparkifySample({ outDir: dataDir, events: 200, days: 1 });
  return { pipeline: 'sparkify', runDate: '2018-11-01', runId: 'fault-injection-sparkify', dataDir };
}

/**
 * user-activity-reports on one generated round of changes; its state folders start as a copy of
 * one that user-activity-init ran in.
 */
export async function userActivitySubject(): Promise<Subject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redline-fault-ua-'));
  await generateUserActivityRound({ outDir: dataDir, users: 8, events: 30, uploads: 10, clock: new Date('2026-11-19T12:00:00Z') });
  const runDate = '2026-11-20T12:00:00Z';
  const initialised = await mkdtemp(join(tmpdir(), 'redline-fault-ua-init-'));
  const init = await runPipelineLocally({
    pipeline: 'user-activity-init',
    runDate,
    runId: 'fault-injection-user-activity-init',
    dataDir,
    stateDir: initialised,
    notifier: new CapturingNotifier(),
  });
  if (init.status !== 'SUCCEEDED') throw new Error(`user-activity-init failed: ${init.error?.name}: ${init.error?.message}`);
  return {
    pipeline: 'user-activity-reports',
    runDate,
    runId: 'fault-injection-user-activity',
    dataDir,
    prepare: (stateDir) => cp(initialised, stateDir, { recursive: true }),
  };
}

/** assessments on one generated file of 40 attempts. */
export async function assessmentsSubject(): Promise<Subject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redline-fault-assessments-'));
  await generateAssessments({ outDir: dataDir, attempts: 40, seed: 3 });
  return { pipeline: 'assessments', runDate: '2026-11-20', runId: 'fault-injection-assessments', dataDir };
}

/** How a run with a fault that is not (or no longer) retried must end. */
export interface ExpectedFailure {
  state: TaskState;
  /** The error the run must fail with, exactly as injected. */
  error: Error;
  /** How many times the state's handler must have been invoked. */
  calls: number;
}

/**
 * Asserts that the run failed in `state` with the injected error after exactly `calls`
 * invocations, left the report tables as they were when the state was first invoked, and sent
 * one alert naming the state and the error (or, when the notifier failed, reported that instead).
 */
export function expectFailedAt(run: FaultyRun, { state, error, calls }: ExpectedFailure, notifyFailed = false): void {
  expect(run.outcome.status).toBe('FAILED');
  expect(run.outcome.error).toEqual({ name: error.name, message: error.message });
  expect(run.outcome.failedStep).toBe(state.name);
  expect(run.calls).toBe(calls);
  expect(run.atFirstCall).toBeDefined();
  expect(run.afterRun).toEqual(run.atFirstCall);
  if (notifyFailed) {
    expect(run.alerts).toEqual([]);
    expect(run.outcome.alertError).toEqual(NOTIFIER_FAILURE);
  } else {
    expect(run.outcome.alertError).toBeUndefined();
    expect(run.alerts).toHaveLength(1);
    expect(run.alerts[0]).toMatchObject({ failedStep: state.name, error: { name: error.name } });
    expect(run.alerts[0]!.subject).toContain(`failed at ${state.name}: ${error.name}`);
  }
}

/** Asserts that resuming the failed run succeeds, alerts no one, and ends with the clean run's report tables. */
export async function expectResumesToCleanResult(subject: Subject, run: FaultyRun, clean: Record<string, Fingerprint>): Promise<void> {
  const resumed = await resumeRun(subject, run);
  expect(resumed.outcome.status, resumed.outcome.error?.message).toBe('SUCCEEDED');
  expect(resumed.outcome.runId).toBe(run.outcome.runId);
  expect(resumed.alerts).toEqual([]);
  expect(resumed.fingerprints).toEqual(clean);
}
