// Test pipelines with an external job step: the smoke-test job (jobs/smoke.py in AWS, its local
// stand-in `node jobs/smoke.mjs` here), told by its arguments to succeed, fail (exit code 3) or
// sleep past its one-minute timeout, then an SQL step. They reuse user_activity's SQL, so they
// need no SQL of their own; importing this module registers them.
//
// A run through the local runner times the sleeping job out after a minute, or after
// `timeoutScale` × one minute when the runner's job runs are given a scale (e.g. 0.02: 1.2 s).
import { registerPipeline } from '../../lib/pipelines/index.ts';
import { definePipeline, type PipelineSpec } from '../../lib/pipelines/spec.ts';

/** What the smoke job is asked to do. */
export type SmokeOutcome = 'succeed' | 'fail' | 'sleep';

/** The job step's name: its state is 'Run job smoke', its result at $.jobs.smoke. */
export const SMOKE_JOB = 'smoke';

/** The exit code the failing smoke job ends with. */
export const SMOKE_FAILURE_EXIT_CODE = 3;

function smokePipeline(outcome: SmokeOutcome): PipelineSpec {
  return definePipeline({
    name: `job-smoke-${outcome}`,
    description: `Runs the smoke-test job (asked to ${outcome}), then resets the activity log's watermark.`,
    schema: 'user_activity/create_tables.sql',
    sources: [],
    steps: [
      {
        kind: 'job',
        name: SMOKE_JOB,
        entryPoint: 'jobs/smoke.py',
        arguments: ['--run-date', '{yyyy}-{mm}-{dd}', '--outcome', outcome, '--exit-code', String(SMOKE_FAILURE_EXIT_CODE)],
        local: { command: ['node', 'jobs/smoke.mjs'] },
        timeoutMinutes: 1,
      },
      { kind: 'sql', name: 'reset', sql: 'user_activity/reset.sql', target: 'activitylog', mode: 'idempotent' },
    ],
    checks: [],
    reportTables: ['activitylog'],
    sla: { maxDurationMinutes: 10, maxStalenessHours: 26 },
  });
}

/** The three smoke pipelines, registered: 'job-smoke-succeed', 'job-smoke-fail' and 'job-smoke-sleep'. */
export const jobPipelines: Readonly<Record<SmokeOutcome, PipelineSpec>> = {
  succeed: registerPipeline(smokePipeline('succeed')),
  fail: registerPipeline(smokePipeline('fail')),
  sleep: registerPipeline(smokePipeline('sleep')),
};
