// The sparkify pipeline on the real Udacity sample (../shared/data/sparkify, when present):
// every expected figure is computed here from the raw files, independently of the SQL.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { PROJECT_ROOT } from '../../../lib/local/project-paths.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';

const SAMPLE = join(PROJECT_ROOT, '..', 'shared', 'data', 'sparkify');

interface RawEvent {
  page: string;
  userId: string;
  ts: number;
  level: string;
  song: string | null;
  artist: string | null;
  sessionId: number;
  itemInSession: number;
}
interface RawSong {
  song_id: string;
  artist_id: string;
  title: string;
  artist_name: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((n) => n.endsWith('.json')).map((n) => join(dir, n));
}

async function expectedFromRawFiles() {
  const events: RawEvent[] = [];
  for (const file of await filesUnder(join(SAMPLE, 'log_data'))) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) if (line.trim()) events.push(JSON.parse(line));
  }
  const songs: RawSong[] = [];
  for (const file of await filesUnder(join(SAMPLE, 'song_data'))) songs.push(JSON.parse(await readFile(file, 'utf8')));

  const plays = events.filter((e) => e.page === 'NextSong' && e.userId !== '');
  const latest = new Map<string, RawEvent>();
  for (const e of events.filter((e) => e.userId !== '')) {
    const seen = latest.get(e.userId);
    if (!seen || e.ts > seen.ts) latest.set(e.userId, e);
  }
  const songKeys = new Set(songs.map((s) => `${s.title}\u0000${s.artist_name}`));
  return {
    events: events.length,
    tables: {
      songplays: plays.length,
      users: latest.size,
      songs: new Set(songs.map((s) => s.song_id)).size,
      artists: new Set(songs.map((s) => s.artist_id)).size,
      time: new Set(plays.map((e) => e.ts)).size,
    },
    songFiles: songs.length,
    paidUsers: [...latest.values()].filter((e) => e.level === 'paid').length,
    latestLevel: new Map([...latest].map(([id, e]) => [Number(id), e.level])),
    matchedPlays: plays.filter((e) => songKeys.has(`${e.song}\u0000${e.artist}`)).length,
  };
}

describe.skipIf(!existsSync(SAMPLE))('sparkify on the real sample', () => {
  let outcome: RunOutcome;
  let expected: Awaited<ReturnType<typeof expectedFromRawFiles>>;
  let stateDir: string;
  const notifier = new CapturingNotifier();

  beforeAll(async () => {
    expected = await expectedFromRawFiles();
    stateDir = await mkdtemp(join(tmpdir(), 'redline-real-'));
    outcome = await runPipelineLocally({ pipeline: 'sparkify', runDate: '2018-11-30', dataDir: SAMPLE, stateDir, notifier });
  });

  async function query(sql: string) {
    const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
    try {
      return await warehouse.query(sql);
    } finally {
      await warehouse.close();
    }
  }

  it('succeeds with every check passing and no alert', () => {
    expect(outcome.status, JSON.stringify(outcome.error)).toBe('SUCCEEDED');
    expect(outcome.checks.length).toBeGreaterThan(10);
    expect(outcome.checks.filter((c) => !c.passed)).toEqual([]);
    expect(notifier.alerts).toEqual([]);
  });

  it('builds each table with the row count computed from the raw files', () => {
    expect(outcome.tables).toEqual(expected.tables);
    expect(expected.tables).toEqual({ songplays: 6820, users: 97, songs: 71, artists: 69, time: 6813 });
  });

  it('stages every event and song with nothing rejected', () => {
    expect(outcome.loads).toContainEqual({ table: 'staging_events', files: 30, read: expected.events, loaded: expected.events, rejected: 0 });
    expect(outcome.loads).toContainEqual({ table: 'staging_songs', files: 71, read: expected.songFiles, loaded: expected.songFiles, rejected: 0 });
  });

  it("gives each user the level of that user's latest event", async () => {
    const rows = await query('SELECT user_id, level FROM users');
    expect(new Map(rows.map((r) => [Number(r.user_id), r.level]))).toEqual(expected.latestLevel);
    expect(rows.filter((r) => r.level === 'paid').length).toBe(expected.paidUsers);
  });

  it('links a songplay to a song only when title and artist name both match', async () => {
    const [row] = await query('SELECT COUNT(song_id) AS linked, COUNT(artist_id) AS with_artist FROM songplays');
    expect(row).toEqual({ linked: expected.matchedPlays, with_artist: expected.matchedPlays });
    expect(expected.matchedPlays).toBe(1);
  });
});
