// Resume from failure: a failure injected at each step (its SQL, cleaning or model task) fails the
// run; resuming it continues at the failed step, does not re-run the steps that succeeded, and
// leaves the warehouse exactly as a clean run would.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSparkifySample } from '../../../lib/generators/sparkify.ts';
import { resumePipelineLocally, runPipelineLocally } from '../../../lib/local/runner.ts';
import { recentRuns } from '../../../lib/local/warehouse-reads.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { StatementFailed } from '../../../lambdas/core/errors.ts';
import type { StepSpec } from '../../../lib/pipelines/spec.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { fingerprintTables, type Fingerprint } from '../../support/fingerprint.ts';

const RUN_DATE = '2018-11-02';

/** The task a step runs as. */
const taskOf = (step: StepSpec) => (step.kind === 'clean' ? 'clean' : step.kind === 'model' ? 'model' : 'transform');
/** The step's name in the run audit. */
const auditedAs = (step: StepSpec) => (step.kind === 'sql' ? step.name : `${step.kind}_${step.name}`);

let dataDir: string;
let clean: Record<string, Fingerprint>;

async function fingerprintsOf(stateDir: string): Promise<Record<string, Fingerprint>> {
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    return await fingerprintTables(warehouse, sparkify.reportTables);
  } finally {
    await warehouse.close();
  }
}

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'redline-resume-')), 'data');
  await generateSparkifySample({ outDir: dataDir, events: 1_500, days: 3 });
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-resume-clean-'));
  const run = await runPipelineLocally({ pipeline: 'sparkify', runDate: RUN_DATE, dataDir, stateDir, notifier: new CapturingNotifier() });
  expect(run.status).toBe('SUCCEEDED');
  clean = await fingerprintsOf(stateDir);
});

describe('resume a failed run', () => {
  it.each(sparkify.steps.map((s) => s.name))('after a failure at step %s, continues there and ends as a clean run', async (failingStep) => {
    const failing = sparkify.steps.find((s) => s.name === failingStep)!;
    const task = taskOf(failing);
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-resume-'));
    const base = { dataDir, stateDir, notifier: new CapturingNotifier() };
    const failed = await runPipelineLocally({
      ...base,
      pipeline: 'sparkify',
      runDate: RUN_DATE,
      interceptTasks: (handlers) => ({
        ...handlers,
        [task]: async (event: unknown) => {
          if ((event as { step: string }).step === failingStep) throw new StatementFailed(`injected failure at ${failingStep}`);
          return handlers[task](event);
        },
      }),
    });
    expect(failed.status).toBe('FAILED');
    expect(failed.error?.name).toBe('StatementFailed');

    const resumed = await resumePipelineLocally({ ...base, runId: failed.runId });
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.runId).toBe(failed.runId);
    expect(await fingerprintsOf(stateDir)).toEqual(clean);

    const steps = await recentRuns(join(stateDir, 'warehouse.duckdb'), 100);
    const succeeded = (step: string) => steps.filter((r) => r.step === step && r.status === 'SUCCEEDED').length;
    const before = sparkify.steps.slice(0, sparkify.steps.indexOf(failing)).map(auditedAs);
    for (const step of ['schema', 'stage_staging_events', ...before]) expect(succeeded(step), step).toBe(1);
    expect(steps.filter((r) => r.step === auditedAs(failing)).map((r) => r.status)).toEqual(['SUCCEEDED']);
  });

  it('refuses to resume a run that succeeded', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-resume-'));
    const run = await runPipelineLocally({ pipeline: 'sparkify', runDate: RUN_DATE, dataDir, stateDir, notifier: new CapturingNotifier() });
    await expect(resumePipelineLocally({ runId: run.runId, dataDir, stateDir })).rejects.toThrow(/did not fail/);
  });
});
