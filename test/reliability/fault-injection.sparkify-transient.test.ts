// Fault injection into sparkify's real state machine, transient errors: at each Task state a
// throttle that clears after two attempts and a statement aborted once are retried until the run
// succeeds with the clean run's report tables; a throttle that never clears is retried to the
// limit (5 calls), then fails the run there, leaves the report tables as they were, alerts once,
// and a resume ends exactly as a clean run.
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
