// The failure path through the real state machine: a failing check or a rejected load
// reaches the notifier with everything a person needs, and the run fails with a named error.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineLocally } from '../../../lib/local/runner.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { FIXTURE_SONG, eventLine, writeSparkifyFixture } from '../../support/sparkify-fixture.ts';

async function run(lines: string[]) {
  const notifier = new CapturingNotifier();
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-state-'));
  const outcome = await runPipelineLocally({
    pipeline: 'sparkify',
    runDate: '2018-11-01',
    dataDir: await writeSparkifyFixture(lines),
    stateDir,
    notifier,
  });
  return { outcome, notifier };
}

describe('sparkify failure path', () => {
  it('sends every failing check in one alert and fails the run with DataQualityCheckFailed', async () => {
    const { outcome, notifier } = await run([
      eventLine({ page: 'Home', userId: '7', ts: 1541030400000 }),
      eventLine({ page: 'Settings', userId: '7', ts: 1541030460000, itemInSession: 1 }),
    ]);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('DataQualityCheckFailed');
    const failing = outcome.checks.filter((c) => !c.passed).map((c) => c.name);
    expect(failing).toEqual(['songplays_not_empty', 'time_not_empty']);
    expect(outcome.checks.filter((c) => c.passed).length).toBe(outcome.checks.length - 2);

    expect(notifier.alerts).toHaveLength(1);
    const [alert] = notifier.alerts;
    expect(alert!.failedStep).toBe('Run quality checks');
    expect(alert!.subject).toContain('sparkify 2018-11-01 failed at Run quality checks: DataQualityCheckFailed');
    expect(alert!.error.message).toContain('songplays_not_empty');
    expect(alert!.error.message).toContain('time_not_empty');
  });

  it('stops at staging when a COPY rejects more rows than MAXERROR, naming the file and line', async () => {
    const { outcome, notifier } = await run([
      eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000, song: FIXTURE_SONG.title, artist: FIXTURE_SONG.artist_name }),
      '{"artist": "broken", "page": "NextSong", ',
    ]);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('LoadErrorsExceeded');
    expect(notifier.alerts).toHaveLength(1);
    expect(notifier.alerts[0]!.failedStep).toBe('Stage staging_events');
    expect(outcome.failedStep).toBe('Stage staging_events');
    expect(notifier.alerts[0]!.error.message).toMatch(/2018-11-01-events\.json:2/);
    expect(outcome.tables.songplays).toBe(0);
  });

  it('still fails the run, naming both errors, when the failure alert itself cannot be sent', async () => {
    const outcome = await runPipelineLocally({
      pipeline: 'sparkify',
      runDate: '2018-11-01',
      dataDir: await writeSparkifyFixture([eventLine({ page: 'Home', userId: '7', ts: 1541030400000 })]),
      stateDir: await mkdtemp(join(tmpdir(), 'redline-state-')),
      interceptTasks: (handlers) => ({
        ...handlers,
        notify: async () => {
          throw Object.assign(new Error('topic not found'), { name: 'NotFoundException' });
        },
      }),
    });

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('DataQualityCheckFailed');
    expect(outcome.failedStep).toBe('Run quality checks');
    expect(outcome.alertError).toEqual({ name: 'NotFoundException', message: 'topic not found' });
  });

  it("waits for the day's data, looking again, then fails with NoDataArrived and alerts", async () => {
    const notifier = new CapturingNotifier();
    const outcome = await runPipelineLocally({
      pipeline: 'sparkify',
      runDate: '2018-11-02',
      dataDir: await writeSparkifyFixture([eventLine({ page: 'Home', userId: '7', ts: 1541030400000 })]),
      stateDir: await mkdtemp(join(tmpdir(), 'redline-state-')),
      notifier,
    });

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('NoDataArrived');
    expect(outcome.error?.message).toContain(`after ${sparkify.sensor.maxAttempts} look(s) for run date 2018-11-02`);
    expect(outcome.loads).toEqual([]);
    expect(notifier.alerts.map((a) => a.failedStep)).toEqual(['Plan run']);
  });

  it('builds the same tables when the same data is run twice', async () => {
    const lines = [
      eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000, song: FIXTURE_SONG.title, artist: FIXTURE_SONG.artist_name }),
      eventLine({ page: 'NextSong', userId: '8', ts: 1541030460000, sessionId: 2, level: 'paid' }),
    ];
    const notifier = new CapturingNotifier();
    const options = {
      pipeline: 'sparkify',
      runDate: '2018-11-01',
      dataDir: await writeSparkifyFixture(lines),
      stateDir: await mkdtemp(join(tmpdir(), 'redline-state-')),
      notifier,
    };
    const first = await runPipelineLocally(options);
    const second = await runPipelineLocally(options);
    expect(first.status).toBe('SUCCEEDED');
    expect(second.tables).toEqual(first.tables);
    expect(first.tables).toEqual({ songplays: 2, users: 2, songs: 1, artists: 1, time: 2, user_upgrade_scores: 0 });
    expect(notifier.alerts).toEqual([]);
  });
});
