// Fault injection into the real state machines of user-activity-reports and assessments, a
// smaller loop than sparkify's: at each Task state, a warehouse error fails the run there at once,
// leaves the report tables as they were, alerts once, and a resume ends exactly as a clean run.
// The retry of a transient error is the same Retry block on every state and sparkify proves it
// state by state, so here a throttle that clears after two attempts is injected only at the
// states whose handler sparkify has not (watermarks, extract, flatten).
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { sparkify } from '../../lib/pipelines/sparkify.ts';
import type { Fingerprint } from '../support/fingerprint.ts';
import {
  always,
  assessmentsSubject,
  cleanRun,
  expectFailedAt,
  expectResumesToCleanResult,
  faultErrors,
  firstCalls,
  runWithFault,
  taskStatesOf,
  userActivitySubject,
  type Subject,
} from '../support/fault-injection.ts';

const handlersSparkifyCovers = new Set(taskStatesOf(sparkify).map((s) => s.handler));

describe.concurrent.each([
  ['user-activity-reports', userActivitySubject],
  ['assessments', assessmentsSubject],
] as const)('fault injection: %s', (pipeline, makeSubject) => {
  const states = taskStatesOf(pipelineNamed(pipeline));
  let subject: Subject;
  let clean: Record<string, Fingerprint>;

  beforeAll(async () => {
    subject = await makeSubject();
    ({ fingerprints: clean } = await cleanRun(subject));
  });

  it.each(states)('a warehouse error at $name fails the run there at once, changes no report table, and resumes to the clean result', async (state) => {
    const error = faultErrors.statementFailed(state.name);
    const run = await runWithFault(subject, { state, fault: always(() => faultErrors.statementFailed(state.name)) });
    expectFailedAt(run, { state, error, calls: 1 });
    await expectResumesToCleanResult(subject, run, clean);
  });

  it.each(states.filter((s) => !handlersSparkifyCovers.has(s.handler)))(
    'a throttle at $name that clears after 2 attempts is retried and the run ends as a clean run',
    async (state) => {
      const run = await runWithFault(subject, { state, fault: firstCalls(2, faultErrors.throttled) });
      expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
      expect(run.calls).toBe(3);
      expect(run.alerts).toEqual([]);
      expect(run.afterRun).toEqual(clean);
    },
  );
});
