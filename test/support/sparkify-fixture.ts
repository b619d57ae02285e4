// Writes small hand-made Sparkify data sets in the real layout, for tests that need
// a precise situation (no song plays, a malformed line, ...).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureEvent {
  page: string;
  userId: string;
  ts: number;
  sessionId?: number;
  itemInSession?: number;
  level?: string;
  song?: string | null;
  artist?: string | null;
}

const SONG = {
  num_songs: 1,
  artist_id: 'ARD7TVE1187B99BFB1',
  artist_latitude: null,
  artist_longitude: null,
  artist_location: 'California - LA',
  artist_name: 'Casual',
  song_id: 'SOMZWCG12A8C13C480',
  title: "I Didn't Mean To",
  duration: 218.93179,
  year: 0,
};

export function eventLine(event: FixtureEvent): string {
  return JSON.stringify({
    artist: event.artist ?? null,
    auth: 'Logged In',
    firstName: 'Ada',
    gender: 'F',
    itemInSession: event.itemInSession ?? 0,
    lastName: 'Lovelace',
    length: event.page === 'NextSong' ? 218.9 : null,
    level: event.level ?? 'free',
    location: 'London',
    method: 'PUT',
    page: event.page,
    registration: 1540919166796.0,
    sessionId: event.sessionId ?? 1,
    song: event.song ?? null,
    status: 200,
    ts: event.ts,
    userAgent: '"Mozilla/5.0"',
    userId: event.userId,
  });
}

/** A data folder with one song and one day of events given as raw JSON lines. */
export async function writeSparkifyFixture(lines: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sparkify-fixture-'));
  await mkdir(join(dir, 'song_data/A/A/A'), { recursive: true });
  await writeFile(join(dir, 'song_data/A/A/A/TRAAAAW128F429D538.json'), JSON.stringify(SONG));
  await mkdir(join(dir, 'log_data/2018/11'), { recursive: true });
  await writeFile(join(dir, 'log_data/2018/11/2018-11-01-events.json'), lines.join('\n'));
  return dir;
}

export { SONG as FIXTURE_SONG };
