// The command line as people call it: `redline run … --json` prints one JSON object and exits
// by failure class (0 success, 1 check failed, 2 usage, 3 input rejected); `redline generate`
// writes the real data's layout; `redline report` writes the run's HTML report.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/local/project-paths.ts';
import { eventLine, writeSparkifyFixture } from '../support/sparkify-fixture.ts';

const run = promisify(execFile);
const redline = (args: string[]) =>
  run(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [join(PROJECT_ROOT, 'bin/redline.ts'), ...args], { cwd: PROJECT_ROOT });

describe('redline CLI', () => {
  it('generates a sample and runs sparkify on it, printing the outcome as one JSON object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redline-cli-'));
    const data = join(dir, 'data');
    const generated = await redline(['generate', 'sparkify', '--events', '2000', '--out', data]);
    expect(JSON.parse(generated.stdout)).toMatchObject({ events: 2000, logFiles: 30 });
    expect(existsSync(join(data, 'log_data/2018/11/2018-11-01-events.json'))).toBe(true);

    const { stdout } = await redline(['run', 'sparkify', '--data', data, '--state', join(dir, 'state'), '--date', '2018-11-30', '--json']);
    const outcome = JSON.parse(stdout);
    expect(Object.keys(outcome)).toEqual([
      'pipeline',
      'runId',
      'runDate',
      'status',
      'tables',
      'checks',
      'loads',
      'rejectedSample',
      'published',
      'startedAt',
      'durationMs',
      'answers',
    ]);
    expect(Object.keys(outcome.answers)).toEqual(['free_vs_paid', 'plays_per_hour', 'top_artists', 'top_songs', 'upgrade_scores']);
    expect(outcome).toMatchObject({ pipeline: 'sparkify', status: 'SUCCEEDED', runDate: '2018-11-30' });
    expect(Object.keys(outcome.tables)).toEqual(['songplays', 'users', 'songs', 'artists', 'time', 'user_upgrade_scores']);
    for (const load of outcome.loads) expect(load.read).toBe(load.loaded + load.rejected);
    expect(outcome.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);

    const reported = await redline(['report', 'sparkify', '--state', join(dir, 'state')]);
    const file = /report: (.+\.html)/.exec(reported.stdout)?.[1];
    expect(file && existsSync(file)).toBe(true);
  });

  it('exits 3 when the input is rejected: no data arrived for the day', async () => {
    const data = await writeSparkifyFixture([eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000 })]);
    const state = await mkdtemp(join(tmpdir(), 'redline-cli-state-'));
    const failure = await redline(['run', 'sparkify', '--data', data, '--state', state, '--date', '2018-11-02', '--json']).catch((e: { code: number; stdout: string }) => e);
    expect('code' in failure && failure.code).toBe(3);
    expect(JSON.parse(failure.stdout)).toMatchObject({ status: 'FAILED', error: { name: 'NoDataArrived' } });
  });

  it('exits 1 and reports the named error when a data-quality check fails', async () => {
    const data = await writeSparkifyFixture([eventLine({ page: 'Home', userId: '7', ts: 1541030400000 })]);
    const state = await mkdtemp(join(tmpdir(), 'redline-cli-state-'));
    const failure = await redline(['run', 'sparkify', '--data', data, '--state', state, '--date', '2018-11-01', '--json']).catch((e: { code: number; stdout: string }) => e);
    expect('code' in failure && failure.code).toBe(1);
    expect(JSON.parse(failure.stdout)).toMatchObject({ status: 'FAILED', error: { name: 'DataQualityCheckFailed' } });
  });

  it('refuses a malformed date before doing anything', async () => {
    const failure = await redline(['run', 'sparkify', '--date', '2018-13-45']).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failure && failure.code).not.toBe(0);
    expect((failure as { stderr: string }).stderr).toMatch(/YYYY-MM-DD/);
  });
});
