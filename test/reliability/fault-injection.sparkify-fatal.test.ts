// Fault injection into sparkify's real state machine, errors that are not retried: a warehouse
// error (StatementFailed) or a step timeout (StatementTimedOut) at each Task state fails the run
// at once in that state, leaves the report tables as they were, alerts once, and a resume ends
// exactly as a clean run.
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
