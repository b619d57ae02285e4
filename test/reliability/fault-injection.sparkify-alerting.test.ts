// Fault injection into sparkify's real state machine, a failure alert that cannot be sent: a
// warehouse error at each Task state while the notify handler throws too still fails the run with
// the original error in that state, reports why the alert failed (alertError), leaves the report
// tables as they were, and a resume ends exactly as a clean run.
import { beforeAll, describe, it } from 'vitest';
import { sparkify } from '../../lib/pipelines/sparkify.ts';
import type { Fingerprint } from '../support/fingerprint.ts';
import {
  always,
  cleanRun,
  expectFailedAt,
  expectResumesToCleanResult,
  faultErrors,
  runWithFault,
  sparkifySubject,
  taskStatesOf,
  type Subject,
} from '../support/fault-injection.ts';

const states = taskStatesOf(sparkify);
let subject: Subject;
let clean: Record<string, Fingerprint>;

beforeAll(async () => {
  subject = await sparkifySubject();
  ({ fingerprints: clean } = await cleanRun(subject));
});

describe.concurrent('fault injection: sparkify, a failure alert that cannot be sent', () => {
  it.each(states)('a warehouse error at $name with a failing notifier fails the run with the original error and reports the alert failure', async (state) => {
    const error = faultErrors.statementFailed(state.name);
    const run = await runWithFault(subject, { state, fault: always(() => faultErrors.statementFailed(state.name)), notifyFails: true });
    expectFailedAt(run, { state, error, calls: 1 }, true);
    await expectResumesToCleanResult(subject, run, clean);
  });
});
