// External job steps through the real state machine: the smoke job's local command runs as a
// child process and the run waits for it. Success goes on to the next step; a non-zero exit fails
// the run in 'Run job smoke' with States.TaskFailed naming the exit code; a job past its timeout
// is killed and fails the run with States.Timeout, as the EMR Serverless .sync integration would.
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { jobPipelines, SMOKE_FAILURE_EXIT_CODE, type SmokeOutcome } from '../../support/job-pipeline.ts';

const RUN_DATE = '2018-11-05';

async function runSmoke(outcome: SmokeOutcome): Promise<{ outcome: RunOutcome; stateDir: string; notifier: CapturingNotifier }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-job-step-'));
  const notifier = new CapturingNotifier();
  const run = await runPipelineLocally({
    pipeline: jobPipelines[outcome].name,
    runDate: RUN_DATE,
    dataDir: join(stateDir, 'data'),
    stateDir,
    notifier,
    jobTimeoutScale: 0.02,
  });
  return { outcome: run, stateDir, notifier };
}

/** Every job log the run wrote, as text. */
async function jobLogs(stateDir: string): Promise<string[]> {
  const root = join(stateDir, 'job-logs');
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Promise.all(files.map((file) => readFile(join(file.parentPath, file.name), 'utf8')));
}

describe.concurrent('external job steps, run locally', () => {
  it('GIVEN a job that succeeds WHEN the run reaches it THEN it waits for the exit, logs the job with its run date and goes on to SUCCEEDED', async () => {
    const { outcome, stateDir } = await runSmoke('succeed');

    expect(outcome.status, outcome.error?.message).toBe('SUCCEEDED');
    expect(await jobLogs(stateDir)).toEqual([expect.stringContaining(`smoke job for ${RUN_DATE}: outcome succeed`)]);
  });

  it('GIVEN a job that exits non-zero WHEN the run reaches it THEN the run FAILED in Run job smoke with States.TaskFailed naming the exit code, and the alert says so', async () => {
    const { outcome, notifier } = await runSmoke('fail');

    expect(outcome.status).toBe('FAILED');
    expect(outcome.failedStep).toBe('Run job smoke');
    expect(outcome.error?.name).toBe('States.TaskFailed');
    expect(outcome.error?.message).toContain(`exit code ${SMOKE_FAILURE_EXIT_CODE}`);
    expect(notifier.alerts).toMatchObject([{ failedStep: 'Run job smoke', error: { name: 'States.TaskFailed' } }]);
  });

  it('GIVEN a job that runs past its timeout WHEN the run reaches it THEN the job is stopped and the run FAILED in Run job smoke with States.Timeout', async () => {
    const started = Date.now();
    const { outcome } = await runSmoke('sleep');

    expect(outcome.status).toBe('FAILED');
    expect(outcome.failedStep).toBe('Run job smoke');
    expect(outcome.error?.name).toBe('States.Timeout');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
