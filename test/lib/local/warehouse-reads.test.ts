// The run audit: every run records each step in redline_runs, failures included, and
// `redline runs` reads it back newest first.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineLocally } from '../../../lib/local/runner.ts';
import { recentRuns } from '../../../lib/local/warehouse-reads.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { recordStep } from '../../../lambdas/core/run-audit.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { FIXTURE_SONG, eventLine, writeSparkifyFixture } from '../../support/sparkify-fixture.ts';

async function runOn(lines: string[], stateDir: string) {
  return runPipelineLocally({
    pipeline: 'sparkify',
    runDate: '2018-11-01',
    dataDir: await writeSparkifyFixture(lines),
    stateDir,
    notifier: new CapturingNotifier(),
  });
}

describe('run audit', () => {
  it('records every step of a run with its rows read, loaded and rejected', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-audit-'));
    const outcome = await runOn(
      [eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000, song: FIXTURE_SONG.title, artist: FIXTURE_SONG.artist_name })],
      stateDir,
    );
    const rows = await recentRuns(join(stateDir, 'warehouse.duckdb'), 50);
    expect(rows.every((r) => r.run_id === outcome.runId && r.run_date === '2018-11-01' && r.status === 'SUCCEEDED')).toBe(true);
    expect(rows.map((r) => r.step).sort()).toEqual(
      [
        'schema', 'stage_staging_events', 'stage_staging_songs', 'clean_events', 'songs', 'artists', 'users', 'songplays', 'time',
        'user_activity', 'model_upgrade_propensity', 'checks', 'publish', 'summary',
      ].sort(),
    );
    expect(rows.find((r) => r.step === 'stage_staging_events')).toMatchObject({ rows_read: 1, rows_loaded: 1, rows_rejected: 0 });
  });

  it('records the failed step with its error, after the steps that succeeded', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-audit-'));
    await runOn([eventLine({ page: 'Home', userId: '7', ts: 1541030400000 })], stateDir);
    const [latest] = await recentRuns(join(stateDir, 'warehouse.duckdb'), 1);
    expect(latest).toMatchObject({ step: 'checks', status: 'FAILED' });
    expect(String(latest!.error)).toMatch(/^DataQualityCheckFailed: 2 data-quality check\(s\) failed/);
  });

  it('inserts a record once however often the same record is submitted', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-audit-'));
    await runOn([eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000 })], stateDir);
    const path = join(stateDir, 'warehouse.duckdb');
    const record = {
      runId: 'r-retried',
      pipeline: 'sparkify',
      runDate: '2018-11-02',
      step: 'songs',
      startedAt: new Date('2018-11-02T01:00:00.123Z'),
      endedAt: new Date('2018-11-02T01:00:01Z'),
      status: 'SUCCEEDED' as const,
    };
    const warehouse = await DuckDbWarehouse.open(path, new FilesystemObjectStore({}));
    try {
      await recordStep(warehouse, record);
      await recordStep(warehouse, record);
      const [row] = await warehouse.query("SELECT COUNT(*) AS n FROM redline_runs WHERE run_id = 'r-retried'");
      expect(row).toEqual({ n: 1 });
    } finally {
      await warehouse.close();
    }
  });

  it('lists nothing before anything ran', async () => {
    expect(await recentRuns(join(await mkdtemp(join(tmpdir(), 'redline-audit-')), 'warehouse.duckdb'), 5)).toEqual([]);
  });
});
