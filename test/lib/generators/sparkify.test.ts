import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSparkifySample, type SparkifySampleSummary } from '../../../lib/generators/sparkify.ts';

const REAL = fileURLToPath(new URL('../../../../shared/data/sparkify', import.meta.url));
const HAS_REAL = existsSync(join(REAL, 'song_data')) && existsSync(join(REAL, 'log_data'));

const SONG_KEYS = ['num_songs', 'artist_id', 'artist_latitude', 'artist_longitude', 'artist_location', 'artist_name', 'song_id', 'title', 'duration', 'year'];
const EVENT_KEYS = ['artist', 'auth', 'firstName', 'gender', 'itemInSession', 'lastName', 'length', 'level', 'location', 'method', 'page', 'registration', 'sessionId', 'song', 'status', 'ts', 'userAgent', 'userId'];

interface SongRecord {
  num_songs: number;
  artist_id: string;
  artist_latitude: number | null;
  artist_longitude: number | null;
  artist_location: string | null;
  artist_name: string;
  song_id: string;
  title: string;
  duration: number;
  year: number;
}
interface EventRecord {
  artist: string | null;
  auth: string;
  firstName: string | null;
  gender: string | null;
  itemInSession: number;
  lastName: string | null;
  length: number | null;
  level: string;
  location: string | null;
  method: string;
  page: string;
  registration: number | null;
  sessionId: number;
  song: string | null;
  status: number;
  ts: number;
  userAgent: string | null;
  userId: string;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function hashTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

const undoMojibake = (s: string): string => Buffer.from(Buffer.from(s, 'latin1').toString('utf8'), 'latin1').toString('utf8');

const tmpRoots: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sparkify-gen-'));
  tmpRoots.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

describe('generateSparkifySample', () => {
  const EVENTS = 5000;
  let dir: string;
  let summary: SparkifySampleSummary;
  let songFiles: string[];
  let logFiles: string[];
  let songTexts: Map<string, string>;
  let songs: { path: string; rec: SongRecord }[];
  let dayEvents: { path: string; text: string; events: EventRecord[] }[];
  let events: EventRecord[];

  beforeAll(async () => {
    dir = tempDir();
    summary = await generateSparkifySample({ outDir: dir, events: EVENTS });
    songFiles = listFiles(join(dir, 'song_data'));
    logFiles = listFiles(join(dir, 'log_data'));
    songTexts = new Map(songFiles.map((f) => [f, readFileSync(f, 'latin1')]));
    songs = songFiles.map((f) => ({ path: f, rec: JSON.parse(songTexts.get(f)!) as SongRecord }));
    dayEvents = logFiles.map((f) => {
      const text = readFileSync(f, 'latin1');
      return { path: f, text, events: text.split('\n').map((l) => JSON.parse(l) as EventRecord) };
    });
    events = dayEvents.flatMap((d) => d.events);
  });

  it('is deterministic: same options give byte-identical files, another seed gives other data', async () => {
    const a = tempDir();
    const b = tempDir();
    const c = tempDir();
    const sa = await generateSparkifySample({ outDir: a, events: 3000, days: 7, seed: 42 });
    const sb = await generateSparkifySample({ outDir: b, events: 3000, days: 7, seed: 42 });
    await generateSparkifySample({ outDir: c, events: 3000, days: 7, seed: 43 });
    const ha = hashTree(a);
    expect(ha.size).toBe(sa.songFiles + sa.logFiles);
    expect([...hashTree(b)]).toEqual([...ha]);
    expect(sb).toEqual(sa);
    const hc = hashTree(c);
    const sameLogs = [...ha].filter(([p, h]) => p.startsWith('log_data') && hc.get(p) === h);
    expect(sameLogs).toEqual([]);
  });

  it('writes exactly `events` events and returns true counts in the summary', () => {
    expect(events).toHaveLength(EVENTS);
    expect(summary.events).toBe(EVENTS);
    expect(summary.logFiles).toBe(logFiles.length);
    expect(summary.logFiles).toBe(30);
    expect(summary.songFiles).toBe(songFiles.length);
    expect(summary.songs).toBe(new Set(songs.map((s) => s.rec.song_id)).size);
    expect(summary.songs).toBe(80); // default max(80, events / 100)
    expect(summary.duplicateSongFiles).toBe(summary.songFiles - summary.songs);
    expect(summary.nextSongEvents).toBe(events.filter((e) => e.page === 'NextSong').length);
    expect(summary.loggedOutEvents).toBe(events.filter((e) => e.auth === 'Logged Out').length);
    expect(summary.users).toBe(new Set(events.map((e) => e.userId).filter((u) => u !== '')).size);
    const bytes = [...songFiles, ...logFiles].reduce((n, f) => n + statSync(f).size, 0);
    expect(summary.bytes).toBe(bytes);
    const catalogue = new Set(songs.map((s) => `${s.rec.title}\u0000${s.rec.artist_name}\u0000${s.rec.duration}`));
    expect(summary.matchedNextSongEvents).toBe(
      events.filter((e) => e.page === 'NextSong' && catalogue.has(`${e.song}\u0000${e.artist}\u0000${e.length}`)).length,
    );
  });

  it('lays out and names files like the real data', () => {
    for (const f of songFiles) {
      const rel = relative(join(dir, 'song_data'), f).split(sep);
      expect(rel).toHaveLength(4);
      const name = rel[3]!;
      expect(name).toMatch(/^TR[A-Z0-9]{16}\.json$/);
      expect(rel.slice(0, 3)).toEqual([name[2], name[3], name[4]]);
    }
    const expectedDays = Array.from({ length: 30 }, (_, i) => `2018/11/2018-11-${String(i + 1).padStart(2, '0')}-events.json`);
    expect(logFiles.map((f) => relative(join(dir, 'log_data'), f).split(sep).join('/'))).toEqual(expectedDays);
    for (const { rec } of songs) {
      expect(Object.keys(rec)).toEqual(SONG_KEYS);
      expect(rec.song_id).toMatch(/^SO[A-Z0-9]{16}$/);
      expect(rec.artist_id).toMatch(/^AR[A-Z0-9]{16}$/);
      expect(rec.num_songs).toBe(1);
      expect(Number.isInteger(rec.year)).toBe(true);
      expect(Number.isInteger(rec.duration)).toBe(false);
    }
    for (const e of events) {
      expect(Object.keys(e)).toEqual(EVENT_KEYS);
      expect(typeof e.userId).toBe('string');
      expect(e.userId).toMatch(/^(|[1-9][0-9]*)$/);
      for (const k of ['sessionId', 'itemInSession', 'status', 'ts'] as const) expect(Number.isInteger(e[k])).toBe(true);
      if (e.length !== null) expect(Number.isInteger(e.length)).toBe(false);
      // literal surrounding double quotes exactly when the userAgent has a comma (as in the real logs)
      if (e.auth === 'Logged In') expect(/^".*"$/.test(e.userAgent!)).toBe(e.userAgent!.includes(','));
    }
    const agents = new Set(events.map((e) => e.userAgent).filter((u) => u !== null));
    expect([...agents].some((u) => u!.startsWith('"'))).toBe(true);
    expect([...agents].some((u) => !u!.startsWith('"'))).toBe(true);
    // textual format: Python-style separators in song files, compact event lines, registration written as a float
    for (const [f, text] of songTexts) {
      if (text.startsWith('{\n')) expect(text).toMatch(/^\{\n {2}"num_songs": 1,\n {2}"artist_id": "AR/);
      else expect(text, f).toMatch(/^\{"num_songs": 1, "artist_id": "AR[A-Z0-9]{16}", "artist_latitude": /);
    }
    const first = dayEvents.find((d) => d.text.includes('"auth":"Logged In"'))!.text.split('\n').find((l) => l.includes('"auth":"Logged In"'))!;
    expect(first).toMatch(/^\{"artist":(null|".*"),"auth":"Logged In","firstName":".*","registration":\d{13}\.0,"sessionId":\d+,/);
  });

  it.skipIf(!HAS_REAL)('matches the real files key order, formats and encoding (../shared/data/sparkify)', () => {
    const realSongs = listFiles(join(REAL, 'song_data')).map((f) => readFileSync(f, 'latin1'));
    const realOneLine = realSongs.find((t) => !t.startsWith('{\n'))!;
    const realPretty = realSongs.find((t) => t.startsWith('{\n'))!;
    expect(Object.keys(JSON.parse(realOneLine))).toEqual(SONG_KEYS);
    const realLog = readFileSync(listFiles(join(REAL, 'log_data'))[0]!, 'latin1');
    const realEvent = JSON.parse(realLog.split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(realEvent)).toEqual(EVENT_KEYS);
    // same shapes of text: replace values by placeholders and compare the skeletons
    const skeleton = (t: string): string => t.replace(/"(?:[^"\\]|\\.)*"/g, 'S').replace(/-?\d+(\.\d+)?/g, 'N').replace(/null/g, 'N');
    const ours = [...songTexts.values()];
    expect(skeleton(ours.find((t) => !t.startsWith('{\n'))!)).toBe(skeleton(realOneLine));
    expect(skeleton(ours.find((t) => t.startsWith('{\n'))!)).toBe(skeleton(realPretty));
    const realLoggedIn = realLog.split('\n').find((l) => l.includes('"auth":"Logged In"') && l.includes('"page":"NextSong"'))!;
    const ourLoggedIn = dayEvents[0]!.text.split('\n').find((l) => l.includes('"auth":"Logged In"') && l.includes('"page":"NextSong"'))!;
    expect(skeleton(ourLoggedIn)).toBe(skeleton(realLoggedIn));
    const realLoggedOut = listFiles(join(REAL, 'log_data')).flatMap((f) => readFileSync(f, 'latin1').split('\n')).find((l) => l.includes('"userId":""'))!;
    const ourLoggedOut = events.length && dayEvents.flatMap((d) => d.text.split('\n')).find((l) => l.includes('"userId":""'))!;
    expect(skeleton(ourLoggedOut as string)).toBe(skeleton(realLoggedOut));
    // escapes as in the real files: lowercase \u escapes and "\/"; quoted userAgents exactly when they have a comma
    const realAll = listFiles(join(REAL, 'log_data')).map((f) => readFileSync(f, 'latin1')).join('\n');
    expect(realAll).toMatch(/\\u00c3\\u0083\\u00c2/);
    expect(realAll).toContain('\\/');
    for (const line of realAll.split('\n')) {
      const ua = (JSON.parse(line) as EventRecord).userAgent;
      if (ua !== null) expect(/^".*"$/.test(ua)).toBe(ua.includes(','));
    }
  });

  it('writes ASCII-only files without trailing newline (pretty-printed song files end with "}\\n" like the real ones)', () => {
    for (const f of [...songFiles, ...logFiles]) {
      const bytes = readFileSync(f);
      expect(bytes.every((b) => b < 0x80), f).toBe(true);
    }
    for (const { text, path } of dayEvents) expect(text.endsWith('}'), path).toBe(true);
    const pretty = [...songTexts].filter(([, t]) => t.startsWith('{\n'));
    const oneLine = [...songTexts].filter(([, t]) => !t.startsWith('{\n'));
    for (const [f, t] of oneLine) {
      expect(t.endsWith('}'), f).toBe(true);
      expect(t.includes('\n'), f).toBe(false);
    }
    for (const [f, t] of pretty) {
      expect(t.endsWith('\n}\n'), f).toBe(true);
      expect(t.split('\n')).toHaveLength(13); // 12 lines and the final newline
    }
  });

  it('has the song_data quirks: duplicate song_id, pretty-printed files, escaped non-ASCII names, nulls, year 0, artist variants', () => {
    const byId = new Map<string, string[]>();
    for (const [f, t] of songTexts) {
      const id = (JSON.parse(t) as SongRecord).song_id;
      byId.set(id, [...(byId.get(id) ?? []), t]);
    }
    const dups = [...byId.values()].filter((ts) => ts.length > 1);
    expect(dups.length).toBeGreaterThanOrEqual(1);
    for (const ts of dups) expect(new Set(ts).size).toBe(1); // identical content
    expect(songs.filter((s) => songTexts.get(s.path)!.startsWith('{\n')).length).toBeGreaterThanOrEqual(1);
    const nonAscii = songs.filter((s) => /[^\x00-\x7f]/.test(s.rec.artist_name + s.rec.title));
    expect(nonAscii.length).toBeGreaterThanOrEqual(1);
    for (const s of nonAscii) expect(songTexts.get(s.path)).toMatch(/\\u[0-9a-f]{4}/);
    expect(songs.some((s) => s.rec.artist_latitude === null && s.rec.artist_longitude === null)).toBe(true);
    expect(songs.some((s) => s.rec.artist_latitude !== null)).toBe(true);
    expect(songs.some((s) => s.rec.artist_location === '')).toBe(true);
    expect(songs.some((s) => s.rec.artist_location === null)).toBe(true);
    expect(songs.some((s) => s.rec.year === 0)).toBe(true);
    expect(songs.some((s) => s.rec.year > 1900)).toBe(true);
    const byArtist = new Map<string, SongRecord[]>();
    for (const { rec } of songs) byArtist.set(rec.artist_id, [...(byArtist.get(rec.artist_id) ?? []), rec]);
    expect([...byArtist.values()].some((rs) => new Set(rs.map((r) => r.song_id)).size > 1)).toBe(true);
    expect([...byArtist.values()].some((rs) => new Set(rs.map((r) => r.artist_name)).size > 1)).toBe(true);
    expect([...byArtist.values()].some((rs) => new Set(rs.map((r) => r.artist_location)).size > 1)).toBe(true);
  });

  it('has logged-out events with empty userId and null user fields', () => {
    const out = events.filter((e) => e.userId === '');
    expect(out.length / events.length).toBeGreaterThan(0.015);
    expect(out.length / events.length).toBeLessThan(0.06);
    for (const e of out) {
      expect(e.auth).toBe('Logged Out');
      expect([e.firstName, e.lastName, e.gender, e.registration, e.userAgent, e.location]).toEqual([null, null, null, null, null, null]);
      expect(['Home', 'Login', 'About', 'Help']).toContain(e.page);
      expect(['free', 'paid']).toContain(e.level);
    }
    expect(events.filter((e) => e.userId !== '').every((e) => e.auth === 'Logged In')).toBe(true);
  });

  it('has realistic pages: NextSong ~80%, the other pages with null artist/song/length, method and status per page', () => {
    const count = new Map<string, number>();
    for (const e of events) count.set(e.page, (count.get(e.page) ?? 0) + 1);
    expect(count.get('NextSong')! / events.length).toBeGreaterThan(0.72);
    expect(count.get('NextSong')! / events.length).toBeLessThan(0.86);
    for (const p of ['Home', 'Logout', 'Login', 'Settings', 'Help', 'About', 'Upgrade', 'Downgrade', 'Submit Upgrade', 'Thumbs Up', 'Thumbs Down', 'Add to Playlist', 'Add Friend', 'Roll Advert']) {
      expect(count.get(p) ?? 0, p).toBeGreaterThan(0);
    }
    for (const e of events) {
      if (e.page === 'NextSong') {
        expect(typeof e.artist).toBe('string');
        expect(typeof e.song).toBe('string');
        expect(typeof e.length).toBe('number');
        expect([e.method, e.status]).toEqual(['PUT', 200]);
      } else {
        expect([e.artist, e.song, e.length]).toEqual([null, null, null]);
      }
      if (e.page === 'Error') expect(e.status).toBe(404);
    }
    expect(new Set(events.map((e) => e.status))).toEqual(new Set([200, 307, 404]));
    expect(new Set(events.map((e) => e.method))).toEqual(new Set(['GET', 'PUT']));
  });

  it('has users whose level changes, right after a Submit Upgrade / Submit Downgrade', () => {
    const byUser = new Map<string, EventRecord[]>();
    for (const e of events) if (e.userId !== '') byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
    let up = 0;
    let down = 0;
    for (const list of byUser.values()) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < list.length; i++) {
        const [prev, cur] = [list[i - 1]!, list[i]!];
        if (prev.level !== cur.level) {
          expect(prev.page).toBe(prev.level === 'free' ? 'Submit Upgrade' : 'Submit Downgrade');
          if (cur.level === 'paid') up++;
          else down++;
        }
      }
      // stable profile
      expect(new Set(list.map((e) => [e.firstName, e.lastName, e.gender, e.location, e.userAgent, e.registration].join('|'))).size).toBe(1);
    }
    expect(up).toBeGreaterThan(0);
    expect(down).toBeGreaterThan(0);
  });

  it('has sessions with itemInSession from 0 and strictly increasing ts, day files in ts order within their UTC day, and rare ts collisions', () => {
    const sessions = new Map<number, EventRecord[]>();
    for (const e of events) sessions.set(e.sessionId, [...(sessions.get(e.sessionId) ?? []), e]);
    for (const s of sessions.values()) {
      s.sort((a, b) => a.itemInSession - b.itemInSession);
      s.forEach((e, i) => expect(e.itemInSession).toBe(i));
      for (let i = 1; i < s.length; i++) expect(s[i]!.ts).toBeGreaterThan(s[i - 1]!.ts);
      expect(new Set(s.map((e) => e.userId).filter((u) => u !== '')).size).toBeLessThanOrEqual(1);
    }
    for (const { path, events: day } of dayEvents) {
      const date = path.slice(-22, -12);
      for (let i = 0; i < day.length; i++) {
        expect(new Date(day[i]!.ts).toISOString().slice(0, 10)).toBe(date);
        if (i > 0) expect(day[i]!.ts).toBeGreaterThanOrEqual(day[i - 1]!.ts);
      }
    }
    const byTs = new Map<number, EventRecord[]>();
    for (const e of events) byTs.set(e.ts, [...(byTs.get(e.ts) ?? []), e]);
    const collisions = [...byTs.values()].filter((es) => es.length > 1);
    expect(collisions.length).toBeGreaterThan(0);
    expect(collisions.length).toBeLessThan(events.length * 0.01);
    expect(collisions.some((es) => new Set(es.map((e) => `${e.userId}/${e.sessionId}`)).size > 1)).toBe(true);
  });

  it('plays catalogue songs (exact title/artist matches, 20-40%) and others, with double-mojibake names in the logs', () => {
    const catalogue = new Set(songs.map((s) => `${s.rec.title}\u0000${s.rec.artist_name}`));
    const plays = events.filter((e) => e.page === 'NextSong');
    const matched = plays.filter((e) => catalogue.has(`${e.song}\u0000${e.artist}`));
    expect(matched.length / plays.length).toBeGreaterThan(0.2);
    expect(matched.length / plays.length).toBeLessThan(0.4);
    for (const e of matched) {
      const s = songs.find((x) => x.rec.title === e.song && x.rec.artist_name === e.artist)!;
      expect(e.length).toBe(s.rec.duration);
    }
    // non-ASCII names appear double-mojibaked in the logs ("Bj\u00c3\u0083\u00c2\u00b6rk"), never as plain UTF-8
    const mojibake = plays.filter((e) => /[^\x00-\x7f]/.test(`${e.artist}${e.song}`));
    expect(mojibake.length).toBeGreaterThan(0);
    for (const e of mojibake) expect(`${e.artist}${e.song}`).toMatch(/\u00c3|\u00c2|\u00c5|\u00c4|\u00c6|\u00c7|\u00c8|\u00c9|\u00ce|\u00d0|\u00d1|\u00e2|\u00e3|\u00e6|\u00e7|\u00ef/);
    const repaired = new Set(mojibake.map((e) => `${undoMojibake(e.song!)}\u0000${undoMojibake(e.artist!)}`));
    const nonAsciiCatalogue = [...catalogue].filter((k) => /[^\x00-\x7f]/.test(k));
    expect(nonAsciiCatalogue.some((k) => repaired.has(k)) || nonAsciiCatalogue.length === 0).toBe(true);
    expect(dayEvents.some((d) => /\\u00c3\\u0083\\u00c2/.test(d.text))).toBe(true);
    expect(dayEvents.every((d) => !/[^\\]\//.test(d.text))).toBe(true); // every "/" written as "\/"
  });

  it('spreads days over month boundaries, handles fewer events than days and zero events', async () => {
    const a = tempDir();
    const s = await generateSparkifySample({ outDir: a, events: 10, days: 15, startDate: '2018-11-25', songs: 5, seed: 3 });
    const logs = listFiles(join(a, 'log_data')).map((f) => relative(join(a, 'log_data'), f).split(sep).join('/'));
    expect(s.logFiles).toBe(logs.length);
    expect(logs.length).toBeLessThanOrEqual(10);
    expect(logs.every((p) => /^2018\/(11\/2018-11-(2[5-9]|30)|12\/2018-12-(0[1-9]))-events\.json$/.test(p))).toBe(true);
    const n = logs.reduce((k, p) => k + readFileSync(join(a, 'log_data', p), 'latin1').split('\n').length, 0);
    expect(n).toBe(10);
    expect(s.songs).toBe(5);
    const b = tempDir();
    const z = await generateSparkifySample({ outDir: b, events: 0, days: 3 });
    expect(z).toMatchObject({ events: 0, logFiles: 0, nextSongEvents: 0, users: 0 });
    expect(existsSync(join(b, 'log_data'))).toBe(false);
    await expect(generateSparkifySample({ outDir: b, events: 5, startDate: '2018-02-30' })).rejects.toThrow(/startDate/);
    await expect(generateSparkifySample({ outDir: b, events: -1 })).rejects.toThrow(/events/);
  });
});
