// The sparkify pipeline on the real Udacity sample (../shared/data/sparkify, when present), run
// day by day as the schedule would: every expected figure is computed here from the raw files,
// independently of the SQL; re-running a day changes nothing.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { backfillLocally } from '../../../lib/local/backfill.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { PROJECT_ROOT } from '../../../lib/local/project-paths.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import type { Row } from '../../../lambdas/core/ports.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { fingerprintTables } from '../../support/fingerprint.ts';

const SAMPLE = join(PROJECT_ROOT, '..', 'shared', 'data', 'sparkify');

interface RawEvent {
  page: string;
  userId: string;
  ts: number;
  level: string;
  song: string | null;
  artist: string | null;
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
  // The upgrade model (sql/sparkify/upgrade_features.sql) learns from the users with at least
  // 10 events while free, and scores every user who was ever free and is free now, once it has 5 users
  // who upgraded and 5 who did not to learn from.
  const freeEvents = new Map<string, RawEvent[]>();
  for (const e of events.filter((e) => e.userId !== '' && e.level === 'free')) freeEvents.set(e.userId, [...(freeEvents.get(e.userId) ?? []), e]);
  const learnt = [...freeEvents.values()].filter((es) => es.length >= 10).map((es) => es.some((e) => e.page === 'Submit Upgrade'));
  const trainable = learnt.filter(Boolean).length >= 5 && learnt.filter((upgraded) => !upgraded).length >= 5;
  const freeNow = [...freeEvents.keys()].filter((id) => latest.get(id)?.level === 'free').length;
  return {
    events: events.length,
    tables: {
      songplays: plays.length,
      users: latest.size,
      songs: new Set(songs.map((s) => s.song_id)).size,
      artists: new Set(songs.map((s) => s.artist_id)).size,
      time: new Set(plays.map((e) => e.ts)).size,
      user_upgrade_scores: trainable ? freeNow : 0,
    },
    songFiles: songs.length,
    paidUsers: [...latest.values()].filter((e) => e.level === 'paid').length,
    latestLevel: new Map([...latest].map(([id, e]) => [Number(id), e.level])),
    matchedPlays: plays.filter((e) => songKeys.has(`${e.song}\u0000${e.artist}`)).length,
  };
}

describe.skipIf(!existsSync(SAMPLE))('sparkify on the real sample, one run per day', () => {
  let outcomes: RunOutcome[];
  let expected: Awaited<ReturnType<typeof expectedFromRawFiles>>;
  let stateDir: string;
  const notifier = new CapturingNotifier();

  beforeAll(async () => {
    expected = await expectedFromRawFiles();
    stateDir = await mkdtemp(join(tmpdir(), 'redline-real-'));
    outcomes = await backfillLocally({ pipeline: 'sparkify', from: '2018-11-01', to: '2018-11-30', dataDir: SAMPLE, stateDir, notifier, concurrency: 3 });
  });

  async function withWarehouse<T>(work: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
    const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
    try {
      return await work(warehouse);
    } finally {
      await warehouse.close();
    }
  }
  const query = (sql: string): Promise<Row[]> => withWarehouse((w) => w.query(sql));

  it('succeeds every day with every check passing and no alert', () => {
    expect(outcomes.map((o) => o.status)).toEqual(Array(30).fill('SUCCEEDED'));
    expect(outcomes.flatMap((o) => o.checks).filter((c) => !c.passed)).toEqual([]);
    expect(notifier.alerts).toEqual([]);
  });

  it('builds each table with the row count computed from the raw files, as one full load would', () => {
    expect(outcomes.at(-1)!.tables).toEqual(expected.tables);
    expect(expected.tables).toEqual({ songplays: 6820, users: 97, songs: 71, artists: 69, time: 6813, user_upgrade_scores: 75 });
  });

  it("stages each day's events once, one file a day, and each song file once, with nothing rejected", () => {
    const events = outcomes.flatMap((o) => o.loads.filter((l) => l.table === 'staging_events'));
    expect(events.map((l) => l.files)).toEqual(Array(30).fill(1));
    expect(events.reduce((n, l) => n + l.read, 0)).toBe(expected.events);
    expect(events.every((l) => l.loaded === l.read && l.rejected === 0)).toBe(true);
    // Three dates run at once, and all of them see the song files unloaded: the ledger's claim lets one load them.
    const songs = outcomes.map((o) => o.loads.find((l) => l.table === 'staging_songs'));
    const loadingSongs = songs.filter((l) => l !== undefined && l.files > 0);
    expect(loadingSongs).toEqual([{ table: 'staging_songs', files: 71, read: expected.songFiles, loaded: expected.songFiles, rejected: 0 }]);
    expect(songs.filter((l) => l?.files === 0 && l.read === 0)).toHaveLength(29);
  });

  it("gives each user the level of that user's latest event over all days", async () => {
    const rows = await query('SELECT user_id, level FROM users');
    expect(new Map(rows.map((r) => [Number(r.user_id), r.level]))).toEqual(expected.latestLevel);
    expect(rows.filter((r) => r.level === 'paid').length).toBe(expected.paidUsers);
  });

  it('links a songplay to a song only when title and artist name both match', async () => {
    const [row] = await query('SELECT COUNT(song_id) AS linked, COUNT(artist_id) AS with_artist FROM songplays');
    expect(row).toEqual({ linked: expected.matchedPlays, with_artist: expected.matchedPlays });
    expect(expected.matchedPlays).toBe(1);
  });

  it('leaves every table exactly as it was when a day is run again, and when an earlier day is run after it', async () => {
    const before = await withWarehouse((w) => fingerprintTables(w, sparkify.reportTables));
    for (const runDate of ['2018-11-30', '2018-11-15']) {
      const again = await runPipelineLocally({ pipeline: 'sparkify', runDate, dataDir: SAMPLE, stateDir, notifier });
      expect(again.status).toBe('SUCCEEDED');
    }
    expect(await withWarehouse((w) => fingerprintTables(w, sparkify.reportTables))).toEqual(before);
  });
});
