// The load-once ledger: a 'new-files' source (sparkify's song data) COPYs each file once, and a
// file that lands later is loaded by the next run.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineLocally } from '../../../lib/local/runner.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { FIXTURE_SONG, eventLine, writeSparkifyFixture } from '../../support/sparkify-fixture.ts';

describe("song data loads once, whatever the runs", () => {
  it('loads each song file on the first run only, and a newly landed one on the next run', async () => {
    const dataDir = await writeSparkifyFixture([
      eventLine({ page: 'NextSong', userId: '7', ts: 1541030400000, song: 'Late Song', artist: 'Late Artist' }),
    ]);
    const options = {
      pipeline: 'sparkify',
      runDate: '2018-11-01',
      dataDir,
      stateDir: await mkdtemp(join(tmpdir(), 'redline-ledger-')),
      notifier: new CapturingNotifier(),
    };
    const songsStaged = (outcome: Awaited<ReturnType<typeof runPipelineLocally>>) => outcome.loads.find((l) => l.table === 'staging_songs');

    const first = await runPipelineLocally(options);
    expect(songsStaged(first)).toMatchObject({ files: 1, loaded: 1 });
    const again = await runPipelineLocally(options);
    expect(songsStaged(again)).toMatchObject({ files: 0, read: 0, loaded: 0 });
    expect(again.tables).toEqual(first.tables);

    const late = { ...FIXTURE_SONG, song_id: 'SOLATE12A8C13C4801', artist_id: 'ARLATE1187B99BFB11', title: 'Late Song', artist_name: 'Late Artist' };
    await writeFile(join(dataDir, 'song_data/A/A/A/TRAAALATE128F429.json'), JSON.stringify(late));
    const third = await runPipelineLocally(options);
    expect(songsStaged(third)).toMatchObject({ files: 1, loaded: 1 });
    expect(third.tables).toMatchObject({ songs: 2, artists: 2, songplays: 1 });
    expect(third.status).toBe('SUCCEEDED');
  });
});
