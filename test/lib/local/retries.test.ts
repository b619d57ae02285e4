// Retries through the real state machine definition: transient warehouse errors are retried
// with backoff, data errors fail the run at once and reach the notifier.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineLocally } from '../../../lib/local/runner.ts';
import { DataQualityCheckFailed, StatementFailed, WarehouseThrottled } from '../../../lambdas/core/errors.ts';
import type { HandlerName, TaskHandler } from '../../../lambdas/handlers/index.ts';

/** Runs sparkify's state machine locally with stand-in handlers; `build` decides what each Build task does. */
async function runWith(build: (step: string, call: number) => void) {
  const calls: Record<string, number> = {};
  const notified: unknown[] = [];
  const standIns: Record<HandlerName, TaskHandler> = {
    plan: async () => ({ ready: true, attempt: 1, manifests: { staging_events: 's3://w/e', staging_songs: 's3://w/s' }, objects: {} }),
    stage: async (event) => ({ table: (event as { table: string }).table, files: 1, read: 1, loaded: 1, rejected: 0, rejectedSample: [] }),
    transform: async (event) => {
      const { step } = event as { step: string };
      calls[step] = (calls[step] ?? 0) + 1;
      build(step, calls[step]!);
      return { step };
    },
    check: async () => ({ checks: [] }),
    summarize: async () => ({ tables: {} }),
    notify: async (event) => {
      notified.push(event);
      return { notified: true };
    },
    watermarks: async () => ({}),
    extract: async () => ({ extracted: false, tables: [] }),
    flatten: async () => ({}),
    publish: async () => ({ published: [] }),
    download: async () => ({}),
    clean: async (event) => ({ step: (event as { step: string }).step, read: 0, loaded: 0, rejected: 0, quarantinedByRule: {} }),
    model: async (event) => ({ step: (event as { step: string }).step }),
  };
  const dir = await mkdtemp(join(tmpdir(), 'redline-retries-'));
  const outcome = await runPipelineLocally({
    pipeline: 'sparkify',
    runDate: '2018-11-01',
    dataDir: dir,
    stateDir: dir,
    interceptTasks: () => standIns,
  });
  return { calls, notified, error: outcome.error };
}

describe('retries by error class', () => {
  it('retries a throttled step and succeeds once the warehouse accepts it', async () => {
    const { calls, error, notified } = await runWith((step, call) => {
      if (step === 'users' && call <= 2) throw new WarehouseThrottled('too many statements');
    });
    expect(error).toBeUndefined();
    expect(calls.users).toBe(3);
    expect(notified).toEqual([]);
  });

  it('gives up after the last retry and fails the run with the transient error, alerting once', async () => {
    const { calls, error, notified } = await runWith((step) => {
      if (step === 'songs') throw new WarehouseThrottled('still busy');
    });
    expect(calls.songs).toBe(5);
    expect(error?.name).toBe('WarehouseThrottled');
    expect(notified).toHaveLength(1);
  });

  it.each([
    ['StatementFailed', () => new StatementFailed('column "x" does not exist')],
    ['DataQualityCheckFailed', () => new DataQualityCheckFailed([{ name: 'c', passed: false, detail: 'd' }])],
  ])('does not retry %s: the run fails at once', async (name, error) => {
    const outcome = await runWith((step) => {
      if (step === 'songplays') throw error();
    });
    expect(outcome.calls.songplays).toBe(1);
    expect(outcome.calls.time).toBeUndefined();
    expect(outcome.error?.name).toBe(name);
    expect(outcome.notified).toMatchObject([{ failedStep: 'Build songplays', error: { Error: name } }]);
  });
});
