// Fault injection into sparkify's real state machine, at each of its Task states in turn (found
// from the synthesized definition, so a new state is covered without touching this file):
// - errors that are not retried (a warehouse error, a step timeout) fail the run at once in that
//   state, leave the report tables as they were, alert once, and a resume ends as a clean run;
// - transient errors (a throttle that clears after two attempts, a statement aborted once) are
//   retried and the run ends as a clean run; a throttle that never clears is retried to the limit
//   (5 calls), then fails the run there like the errors above;
// - a warehouse error while the failure alert cannot be sent still fails the run with the
//   original error and reports why the alert failed.
import { beforeAll, describe, expect, it } from 'vitest';
import { sparkify } from '../../lib/pipelines/sparkify.ts';
import type { Fingerprint } from '../support/fingerprint.ts';
import {
  always,
  cleanRun,
  expectFailedAt,
  expectResumesToCleanResult,
  faultErrors,
  firstCalls,
  runWithFault,
  sparkifySubject,
  taskStatesOf,
  type Subject,
} from '../support/fault-injection.ts';

/** Calls a task gets when a transient error never clears: the first and the state's 4 retries. */
const RETRY_LIMIT_CALLS = 5;

const states = taskStatesOf(sparkify);
let subject: Subject;
let clean: Record<string, Fingerprint>;

beforeAll(async () => {
  subject = await sparkifySubject();
  ({ fingerprints: clean } = await cleanRun(subject));
});

describe.concurrent('fault injection: sparkify, errors that are not retried', () => {
  it.each(states)('a warehouse error at $name fails the run there at once, changes no report table, and resumes to the clean result', async (state) => {
    const error = faultErrors.statementFailed(state.name);
    const run = await runWithFault(subject, { state, fault: always(() => faultErrors.statementFailed(state.name)) });
    expectFailedAt(run, { state, error, calls: 1 });
    await expectResumesToCleanResult(subject, run, clean);
  });

  it.each(states)('a step timeout at $name fails the run there at once, changes no report table, and resumes to the clean result', async (state) => {
    const run = await runWithFault(subject, { state, fault: always(faultErrors.timedOut) });
    expectFailedAt(run, { state, error: faultErrors.timedOut(), calls: 1 });
    await expectResumesToCleanResult(subject, run, clean);
  });
});

describe.concurrent('fault injection: sparkify, transient errors', () => {
  it.each(states)('a throttle at $name that clears after 2 attempts is retried and the run ends as a clean run', async (state) => {
    const run = await runWithFault(subject, { state, fault: firstCalls(2, faultErrors.throttled) });
    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.calls).toBe(3);
    expect(run.alerts).toEqual([]);
    expect(run.afterRun).toEqual(clean);
  });

  it.each(states)('a statement aborted once at $name is retried and the run ends as a clean run', async (state) => {
    const run = await runWithFault(subject, { state, fault: firstCalls(1, faultErrors.aborted) });
    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.calls).toBe(2);
    expect(run.alerts).toEqual([]);
    expect(run.afterRun).toEqual(clean);
  });

  it.each(states)('a throttle at $name that never clears is retried to the limit, then fails the run there and resumes to the clean result', async (state) => {
    const run = await runWithFault(subject, { state, fault: always(faultErrors.throttled) });
    expectFailedAt(run, { state, error: faultErrors.throttled(), calls: RETRY_LIMIT_CALLS });
    await expectResumesToCleanResult(subject, run, clean);
  });
});

describe.concurrent('fault injection: sparkify, a failure alert that cannot be sent', () => {
  it.each(states)('a warehouse error at $name with a failing notifier fails the run with the original error and reports the alert failure', async (state) => {
    const error = faultErrors.statementFailed(state.name);
    const run = await runWithFault(subject, { state, fault: always(() => faultErrors.statementFailed(state.name)), notifyFails: true });
    expectFailedAt(run, { state, error, calls: 1 }, true);
    await expectResumesToCleanResult(subject, run, clean);
  });
});
