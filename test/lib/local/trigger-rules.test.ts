// Trigger rules through the real state machine: main line a → b → c of trigger-probe, with a
// compensation of a (allFailed), cleanups after c (allFailed and oneFailed on b and c) and an
// "always" step (allDone). A failure is injected at a chosen step; the run shows which steps ran,
// and its final status and error stay those of the main line.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumePipelineLocally, runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { StatementFailed } from '../../../lambdas/core/errors.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { triggerPipeline } from '../../support/trigger-pipeline.ts';

interface ProbeRun {
  outcome: RunOutcome;
  /** The steps whose transform ran to the end, in order. */
  ran: string[];
  notifier: CapturingNotifier;
  stateDir: string;
}

/** Runs trigger-probe with the transform of each step in `failing` throwing StatementFailed. */
async function runFailing(failing: readonly string[], stateDir?: string): Promise<ProbeRun> {
  const dir = stateDir ?? (await mkdtemp(join(tmpdir(), 'redline-triggers-')));
  const notifier = new CapturingNotifier();
  const ran: string[] = [];
  const outcome = await runPipelineLocally({
    pipeline: triggerPipeline.name,
    runDate: '2026-12-01',
    dataDir: join(dir, 'data'),
    stateDir: dir,
    notifier,
    interceptTasks: (handlers) => ({
      ...handlers,
      transform: async (event) => {
        const { step } = event as { step: string };
        if (failing.includes(step)) throw new StatementFailed(`injected failure at ${step}`);
        const result = await handlers.transform(event);
        if (step !== 'schema') ran.push(step);
        return result;
      },
    }),
  });
  return { outcome, ran, notifier, stateDir: dir };
}

describe.concurrent('trigger rules through the state machine', () => {
  it('GIVEN nothing fails WHEN the run ends THEN the main line and the allDone step ran, no failure-triggered step, and it SUCCEEDED', async () => {
    const run = await runFailing([]);

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.ran).toEqual(['a', 'b', 'c', 'always']);
    expect(run.notifier.alerts).toEqual([]);
  });

  it('GIVEN the first main-line step fails THEN every failure-triggered step downstream runs, the rest of the main line does not, and the run FAILED with its error', async () => {
    const run = await runFailing(['a']);

    expect(run.ran).toEqual(['compensate_a', 'cleanup_all_failed', 'alert_one_failed', 'always']);
    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.error).toEqual({ name: 'StatementFailed', message: 'injected failure at a' });
    expect(run.outcome.failedStep).toBe('Build a');
  });

  it('GIVEN the last upstream of the cleanups fails THEN oneFailed runs but allFailed does not (b succeeded), allDone runs, and the run FAILED', async () => {
    const run = await runFailing(['c']);

    expect(run.ran).toEqual(['a', 'b', 'alert_one_failed', 'always']);
    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.failedStep).toBe('Build c');
  });

  it('GIVEN the first upstream of the cleanups fails THEN allFailed runs (c did not run because b failed) beside oneFailed', async () => {
    const run = await runFailing(['b']);

    expect(run.ran).toEqual(['a', 'cleanup_all_failed', 'alert_one_failed', 'always']);
    expect(run.outcome.status).toBe('FAILED');
  });

  it('GIVEN a cleanup fails too THEN the steps after it still run and the run FAILED with the main line error, not the cleanup', async () => {
    const run = await runFailing(['a', 'cleanup_all_failed']);

    expect(run.ran).toEqual(['compensate_a', 'alert_one_failed', 'always']);
    expect(run.outcome.error?.message).toBe('injected failure at a');
    expect(run.outcome.failedStep).toBe('Build a');
  });

  it('GIVEN the allDone step fails after a clean main line THEN the run FAILED with its error, and no failure-triggered step ran', async () => {
    const run = await runFailing(['always']);

    expect(run.ran).toEqual(['a', 'b', 'c']);
    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.error?.message).toBe('injected failure at always');
    expect(run.outcome.failedStep).toBe('Build always');
  });

  it('GIVEN a failed run WHEN the failure alert is sent THEN it names the main-line step that failed and its error', async () => {
    const run = await runFailing(['b']);

    expect(run.notifier.alerts).toHaveLength(1);
    expect(run.notifier.alerts[0]).toMatchObject({ failedStep: 'Build b', error: { name: 'StatementFailed', message: 'injected failure at b' } });
  });

  it('GIVEN a run that failed at b WHEN resumed THEN it continues at b, runs the rest of the main line and the allDone step, and SUCCEEDED', async () => {
    const failed = await runFailing(['b']);

    const ran: string[] = [];
    const resumed = await resumePipelineLocally({
      runId: failed.outcome.runId,
      dataDir: join(failed.stateDir, 'data'),
      stateDir: failed.stateDir,
      notifier: new CapturingNotifier(),
      interceptTasks: (handlers) => ({ ...handlers, transform: async (event) => (ran.push((event as { step: string }).step), handlers.transform(event)) }),
    });

    expect(resumed.status, resumed.error?.message).toBe('SUCCEEDED');
    expect(ran).toEqual(['b', 'c', 'always']);
  });
});
