// game_events end to end: events sent to the local collector land per type; every run loads each
// landed file exactly once, whenever it lands (a late file in an old partition too), and the
// tables hold exactly the accepted events.
import { mkdir, mkdtemp, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../lib/local/collector/loadgen.ts';
import { startCollector } from '../../../lib/local/collector/server.ts';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';

const total = (outcome: RunOutcome) => Object.values(outcome.tables).reduce((a, b) => a + b, 0);
const filesLoaded = (outcome: RunOutcome) => outcome.loads.reduce((n, l) => n + l.files, 0);

/** Sends a second of load to a collector landing in `dataDir`; returns the events it accepted. */
async function sendEvents(dataDir: string, seed: number): Promise<number> {
  const collector = await startCollector({ port: 0, dataDir });
  try {
    const load = await runLoad({ url: collector.url, rate: 60, durationSeconds: 1, seed });
    expect(load.failed).toBe(0);
    return load.accepted;
  } finally {
    await collector.close();
  }
}

async function run(dataDir: string, stateDir: string): Promise<RunOutcome> {
  const notifier = new CapturingNotifier();
  const outcome = await runPipelineLocally({ pipeline: 'game-events', runDate: '2026-11-23T12:15:00Z', dataDir, stateDir, notifier });
  expect(outcome.status, outcome.error?.message).toBe('SUCCEEDED');
  expect(notifier.alerts).toEqual([]);
  return outcome;
}

describe('game-events pipeline', () => {
  it('loads every accepted event once: new files on each run, nothing twice, a late file in an old partition too', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-game-'));
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-game-state-'));
    const firstBatch = await sendEvents(dataDir, 1);

    const first = await run(dataDir, stateDir);
    expect(total(first)).toBe(firstBatch);

    const again = await run(dataDir, stateDir);
    expect(filesLoaded(again)).toBe(0);
    expect(again.tables).toEqual(first.tables);

    // The next batch lands elsewhere, then moves in: one file into a partition days old.
    const elsewhere = await mkdtemp(join(tmpdir(), 'redline-game-late-'));
    const secondBatch = await sendEvents(elsewhere, 2);
    const files = (await readdir(join(elsewhere, 'events'), { recursive: true })).filter((f) => f.endsWith('.json.gz'));
    for (const [i, file] of files.entries()) {
      const key = i === 0 ? file.replace(/dt=[^/]+\/hour=[^/]+/, 'dt=2020-01-01/hour=00') : file;
      await mkdir(dirname(join(dataDir, 'events', key)), { recursive: true });
      await rename(join(elsewhere, 'events', file), join(dataDir, 'events', key));
    }

    const third = await run(dataDir, stateDir);
    expect(filesLoaded(third)).toBe(files.length);
    expect(total(third)).toBe(firstBatch + secondBatch);
  });
});
