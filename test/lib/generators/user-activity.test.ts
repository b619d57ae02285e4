// The user_activity generator (seed 000) on its default CSV-snapshot source: the load round (deletes
// first with orphaned activity rows kept, inserts, renames, activity in the 24 h before the clock), the
// upload dump, ids across rounds, reproducibility and option validation.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateUserActivityRound,
  readUserActivitySnapshot,
  type UserActivityRoundSummary,
  type UserActivitySnapshot,
} from '../../../lib/generators/user-activity.ts';

const CLOCK = new Date('2024-03-10T12:00:00Z');
const CLOCK_S = CLOCK.getTime() / 1000;
const DAY_S = 86_400;

const tmpRoots: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'user-activity-gen-'));
  tmpRoots.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

const epochSeconds = (datetime: string): number => Date.parse(datetime.replace(' ', 'T') + 'Z') / 1000;
const clockAfter = (days: number): Date => new Date(CLOCK.getTime() + days * DAY_S * 1000);

/** every file under dir, relative path => contents */
function readTree(dir: string, prefix = ''): Map<string, string> {
  const tree = new Map<string, string>();
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, rel)) tree.set(k, v);
    else tree.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return tree;
}

function uploadRows(file: string): string[][] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(','));
}

describe('generateUserActivityRound on CSV snapshots', () => {
  it('GIVEN an empty source WHEN the first round runs THEN it deletes nothing and inserts the default 10 users, 2 renames and 50 events', async () => {
    const dir = tempDir();
    const summary = await generateUserActivityRound({ outDir: dir, clock: CLOCK });
    const snap = await readUserActivitySnapshot(dir);

    expect(summary.backend).toBe('csv');
    expect(summary.deletedUserIds).toEqual([]);
    expect(summary.insertedUserIds).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summary.renamedUserIds).toHaveLength(2);
    expect(summary.activityIds).toEqual({ first: 1, last: 50 });
    expect(summary.uploadRows).toBe(50);
    expect(summary).toMatchObject({ totalUsers: 10, totalActivity: 50 });
    expect(snap.users.map((u) => u.id)).toEqual(summary.insertedUserIds);
    expect(snap.activity.map((a) => a.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const u of snap.users) expect(u.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  describe('GIVEN a source filled by one round', () => {
    let dir: string;
    let before: UserActivitySnapshot;
    let summary: UserActivityRoundSummary;
    let after: UserActivitySnapshot;

    beforeAll(async () => {
      dir = tempDir();
      await generateUserActivityRound({ outDir: dir, clock: CLOCK });
      before = await readUserActivitySnapshot(dir);
      summary = await generateUserActivityRound({ outDir: dir, clock: clockAfter(1) });
      after = await readUserActivitySnapshot(dir);
    });

    it('WHEN the second round runs THEN it deletes 2 earlier users first and keeps their activity rows with an empty user_id', () => {
      expect(summary.deletedUserIds).toHaveLength(2);
      for (const id of summary.deletedUserIds) {
        expect(before.users.some((u) => u.id === id)).toBe(true);
        expect(after.users.some((u) => u.id === id)).toBe(false);
      }
      const orphans = before.activity.filter((a) => summary.deletedUserIds.includes(a.userId!));
      expect(orphans.length).toBeGreaterThan(0);
      for (const a of orphans) expect(after.activity.find((b) => b.id === a.id)).toEqual({ ...a, userId: null });
      const raw = readFileSync(join(dir, 'source', 'activitylog.csv'), 'utf8').split('\n');
      expect(raw[0]).toBe('id,user_id,type,timestamp');
      for (const a of orphans) expect(raw).toContain(`${a.id},,${a.type},${a.timestamp}`);
      // the activity rows inserted afterwards never point at the deleted users
      const newRows = after.activity.filter((a) => a.id > 50);
      expect(newRows.some((a) => summary.deletedUserIds.includes(a.userId!))).toBe(false);
    });

    it('WHEN the second round runs THEN it inserts 10 users after the highest id and renames 2 users to a different name', () => {
      expect(summary.insertedUserIds).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      expect(after.users).toHaveLength(before.users.length - 2 + 10);
      expect(summary.totalUsers).toBe(after.users.length);
      expect(summary.renamedUserIds).toHaveLength(2);
      for (const id of summary.renamedUserIds) {
        expect(after.users.some((u) => u.id === id)).toBe(true);
        const old = before.users.find((u) => u.id === id);
        if (old) expect(after.users.find((u) => u.id === id)!.name).not.toBe(old.name);
      }
      const untouched = before.users.filter((u) => ![...summary.deletedUserIds, ...summary.renamedUserIds].includes(u.id));
      for (const u of untouched) expect(after.users).toContainEqual(u);
    });

    it('WHEN the second round runs THEN its 50 activity rows are for current users, upper-case types, whole seconds in the 24 h before the clock', () => {
      const clockS = CLOCK_S + DAY_S;
      const newRows = after.activity.filter((a) => a.id > 50);
      expect(newRows.map((a) => a.id)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
      expect(summary.activityIds).toEqual({ first: 51, last: 100 });
      expect(summary.totalActivity).toBe(100);
      const current = new Set(after.users.map((u) => u.id));
      for (const a of newRows) {
        expect(current.has(a.userId!)).toBe(true);
        expect(['INSERT', 'UPDATE', 'DELETE']).toContain(a.type);
        expect(a.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(epochSeconds(a.timestamp)).toBeGreaterThanOrEqual(clockS - DAY_S);
        expect(epochSeconds(a.timestamp)).toBeLessThan(clockS);
      }
      expect(new Set(newRows.map((a) => a.type)).size).toBe(3);
    });

    it('WHEN the second round runs THEN it writes uploads/user_upload_dump.<clock epoch>.csv with 50 uploads of current users', () => {
      const clockS = CLOCK_S + DAY_S;
      expect(basename(summary.uploadFile)).toBe(`user_upload_dump.${clockS}.csv`);
      expect(summary.uploadFile).toBe(join(dir, 'uploads', `user_upload_dump.${clockS}.csv`));
      expect(readFileSync(summary.uploadFile, 'utf8').split('\n')[0]).toBe('user_id,file_name,timestamp');
      const rows = uploadRows(summary.uploadFile);
      expect(rows).toHaveLength(50);
      const current = new Set(after.users.map((u) => u.id));
      for (const [userId, fileName, ts] of rows) {
        expect(current.has(Number(userId))).toBe(true);
        expect(fileName).toMatch(/^file_\d+\.(pdf|png)$/);
        expect(ts).toMatch(/^\d+$/);
        expect(Number(ts)).toBeGreaterThanOrEqual(clockS - DAY_S);
        expect(Number(ts)).toBeLessThan(clockS);
      }
    });
  });

  it('GIVEN three consecutive rounds WHEN ids are assigned THEN user and activity ids continue and deleted ids are never reused', async () => {
    const dir = tempDir();
    const summaries: UserActivityRoundSummary[] = [];
    for (let day = 0; day < 3; day++) summaries.push(await generateUserActivityRound({ outDir: dir, clock: clockAfter(day), deletes: 4 }));

    expect(summaries.map((s) => s.insertedUserIds[0])).toEqual([1, 11, 21]);
    expect(summaries.map((s) => s.activityIds)).toEqual([
      { first: 1, last: 50 },
      { first: 51, last: 100 },
      { first: 101, last: 150 },
    ]);
    const deleted = summaries.flatMap((s) => s.deletedUserIds);
    expect(deleted).toHaveLength(8);
    expect(new Set(deleted).size).toBe(8);
    const inserted = summaries.flatMap((s) => s.insertedUserIds);
    expect(new Set(inserted).size).toBe(30);
    const snap = await readUserActivitySnapshot(dir);
    expect(snap.users.map((u) => u.id)).toEqual(inserted.filter((id) => !deleted.includes(id)));
    expect(snap.activity).toHaveLength(150);
    expect(snap.activity.filter((a) => a.userId === null).length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'uploads')).sort()).toEqual(
      [0, 1, 2].map((d) => `user_upload_dump.${CLOCK_S + d * DAY_S}.csv`),
    );
  });

  it('GIVEN the same seed, clock and starting state WHEN rounds run in two directories THEN every file is byte-identical', async () => {
    const a = tempDir();
    const b = tempDir();
    for (const dir of [a, b]) {
      for (let day = 0; day < 3; day++) await generateUserActivityRound({ outDir: dir, seed: 42, clock: clockAfter(day) });
    }
    const treeA = readTree(a);
    expect([...treeA.keys()].sort()).toEqual(['source/activitylog.csv', 'source/user.csv', ...[0, 1, 2].map((d) => `uploads/user_upload_dump.${CLOCK_S + d * DAY_S}.csv`)].sort());
    expect(readTree(b)).toEqual(treeA);
  });

  it('GIVEN the same seed and clock WHEN consecutive rounds run THEN they draw different names, activity and uploads', async () => {
    const dir = tempDir();
    const first = await generateUserActivityRound({ outDir: dir, seed: 7, clock: CLOCK, uploads: 20 });
    const firstUploads = readFileSync(first.uploadFile, 'utf8');
    const firstNames = (await readUserActivitySnapshot(dir)).users.map((u) => u.name);
    const second = await generateUserActivityRound({ outDir: dir, seed: 7, clock: CLOCK, uploads: 20 });
    const snap = await readUserActivitySnapshot(dir);

    expect(second.uploadFile).toBe(first.uploadFile);
    expect(readFileSync(second.uploadFile, 'utf8')).not.toBe(firstUploads);
    const secondNames = snap.users.filter((u) => second.insertedUserIds.includes(u.id) && !second.renamedUserIds.includes(u.id)).map((u) => u.name);
    expect(secondNames).not.toEqual(firstNames.slice(0, secondNames.length));
    const types = (lo: number, hi: number): string => snap.activity.filter((r) => r.id >= lo && r.id <= hi).map((r) => `${r.userId}:${r.type}:${r.timestamp}`).join();
    expect(types(51, 100)).not.toBe(types(1, 50));
  });

  it('GIVEN different seeds WHEN the first round runs on an empty source THEN the files differ', async () => {
    const a = tempDir();
    const b = tempDir();
    await generateUserActivityRound({ outDir: a, seed: 1, clock: CLOCK });
    await generateUserActivityRound({ outDir: b, seed: 2, clock: CLOCK });
    expect(readTree(b)).not.toEqual(readTree(a));
  });

  it('GIVEN custom counts WHEN a round runs THEN it inserts, renames, deletes, logs and uploads exactly that many', async () => {
    const dir = tempDir();
    await generateUserActivityRound({ outDir: dir, clock: CLOCK, users: 30 });
    const s = await generateUserActivityRound({ outDir: dir, clock: clockAfter(1), users: 3, renames: 5, deletes: 7, events: 9, uploads: 4 });
    expect(s.insertedUserIds).toEqual([31, 32, 33]);
    expect(s.renamedUserIds).toHaveLength(5);
    expect(s.deletedUserIds).toHaveLength(7);
    expect(s.activityIds).toEqual({ first: 51, last: 59 });
    expect(uploadRows(s.uploadFile)).toHaveLength(4);
    expect(s).toMatchObject({ totalUsers: 26, totalActivity: 59, uploadRows: 4 });
  });

  it('GIVEN no users at all WHEN a round inserts none THEN it writes no activity and an upload dump with only the header', async () => {
    const dir = tempDir();
    const s = await generateUserActivityRound({ outDir: dir, clock: CLOCK, users: 0 });
    expect(s).toMatchObject({ deletedUserIds: [], insertedUserIds: [], renamedUserIds: [], activityIds: null, uploadRows: 0, totalUsers: 0, totalActivity: 0 });
    expect(readFileSync(s.uploadFile, 'utf8')).toBe('user_id,file_name,timestamp\n');
    expect(readFileSync(join(dir, 'source', 'user.csv'), 'utf8')).toBe('id,name\n');
    expect(readFileSync(join(dir, 'source', 'activitylog.csv'), 'utf8')).toBe('id,user_id,type,timestamp\n');
  });

  it('GIVEN a hand-written snapshot with a quoted name WHEN a round runs THEN the name survives, quoted, and ids continue after it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'source'));
    writeFileSync(join(dir, 'source', 'user.csv'), 'id,name\n5,"Smith, ""Jr"""\n9,Ann Lee\n');
    writeFileSync(join(dir, 'source', 'activitylog.csv'), 'id,user_id,type,timestamp\n12,9,INSERT,2024-03-01 10:00:00\n');
    const s = await generateUserActivityRound({ outDir: dir, clock: CLOCK, deletes: 0, renames: 0, users: 1, events: 1 });
    expect(s.insertedUserIds).toEqual([10]);
    expect(s.activityIds).toEqual({ first: 13, last: 13 });
    expect(readFileSync(join(dir, 'source', 'user.csv'), 'utf8').split('\n').slice(0, 3)).toEqual(['id,name', '5,"Smith, ""Jr"""', '9,Ann Lee']);
    expect((await readUserActivitySnapshot(dir)).users[0]).toEqual({ id: 5, name: 'Smith, "Jr"' });
  });

  it('GIVEN a single existing user WHEN a round asks for deletes THEN the newest user is kept so its id is not handed out again', async () => {
    const dir = tempDir();
    await generateUserActivityRound({ outDir: dir, clock: CLOCK, users: 1 });
    const s = await generateUserActivityRound({ outDir: dir, clock: clockAfter(1), deletes: 5 });
    expect(s.deletedUserIds).toEqual([]);
    expect(s.insertedUserIds[0]).toBe(2);
  });

  it.each([
    [{ users: -1 }, 'users'],
    [{ events: 1.5 }, 'events'],
    [{ deletes: Number.NaN }, 'deletes'],
    [{ mysqlUrl: 'postgres://root@127.0.0.1/test' }, 'mysqlUrl'],
    [{ clock: new Date('not a date') }, 'clock'],
  ])('GIVEN invalid options %o WHEN a round is requested THEN it is rejected naming %s and writes nothing', async (bad, field) => {
    const dir = tempDir();
    await expect(generateUserActivityRound({ outDir: dir, clock: CLOCK, ...bad })).rejects.toThrow(field);
    expect(readdirSync(dir)).toEqual([]);
  });
});
