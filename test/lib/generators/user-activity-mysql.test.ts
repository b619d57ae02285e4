// The user_activity generator on its MySQL/MariaDB source, against the server at 127.0.0.1:3306 (root,
// empty password), each test in a database of its own that is dropped afterwards. Without a server the
// suite is skipped, except when CI is set: then it fails.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARIADB_URL, NO_MARIADB, requireMariadb, runMariadbSuite } from '../../support/mariadb.ts';
import { generateUserActivityRound, readUserActivitySnapshot, type UserActivityRoundSummary } from '../../../lib/generators/user-activity.ts';

const SERVER_URL = MARIADB_URL;
const CLOCK = new Date('2024-03-10T12:00:00Z');
const DAY_MS = 86_400_000;
const NO_SERVER = NO_MARIADB;
const runSuite = runMariadbSuite;

const clockAfter = (days: number): Date => new Date(CLOCK.getTime() + days * DAY_MS);

describe.skipIf(!runSuite)(runSuite ? 'generateUserActivityRound on MySQL' : `generateUserActivityRound on MySQL (skipped: ${NO_SERVER})`, () => {
  let admin: Connection;
  const databases: string[] = [];
  const tmpRoots: string[] = [];

  beforeAll(async () => {
    requireMariadb();
    admin = await mysql.createConnection({ uri: SERVER_URL, dateStrings: true });
  });

  afterAll(async () => {
    for (const db of databases) await admin?.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin?.end();
    for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
  });

  /** a fresh database; returns its URL */
  async function freshDatabase(): Promise<{ db: string; url: string }> {
    const db = `redline_gen_test_${randomBytes(6).toString('hex')}`;
    databases.push(db);
    await admin.query(`CREATE DATABASE \`${db}\``);
    return { db, url: `${SERVER_URL}/${db}` };
  }

  function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'user-activity-mysql-'));
    tmpRoots.push(d);
    return d;
  }

  async function rows(sql: string): Promise<RowDataPacket[]> {
    const [result] = await admin.query<RowDataPacket[]>(sql);
    return result;
  }

  describe('GIVEN an empty database and three rounds', () => {
    let db: string;
    let outDir: string;
    const summaries: UserActivityRoundSummary[] = [];

    beforeAll(async () => {
      const fresh = await freshDatabase();
      db = fresh.db;
      outDir = tempDir();
      for (let day = 0; day < 3; day++) {
        summaries.push(await generateUserActivityRound({ outDir, mysqlUrl: fresh.url, seed: 5, clock: clockAfter(day) }));
      }
    });

    it('WHEN the rounds ran THEN both tables exist with the documented columns', async () => {
      const columns = await rows(
        `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS k
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${db}' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      );
      expect(columns.map((r) => `${r.t}.${r.c} ${r.type} ${r.nullable} ${r.k}`)).toEqual([
        'activitylog.id int(11) NO PRI',
        'activitylog.user_id int(11) YES ',
        'activitylog.type varchar(10) NO ',
        'activitylog.timestamp datetime NO ',
        'user.id int(11) NO PRI',
        'user.name varchar(100) NO ',
      ]);
    });

    it('WHEN the rounds ran THEN ids continue, deleted users are gone and their activity rows remain with user_id NULL', async () => {
      expect(summaries.every((s) => s.backend === 'mysql')).toBe(true);
      expect(summaries.map((s) => s.insertedUserIds[0])).toEqual([1, 11, 21]);
      expect(summaries.map((s) => s.activityIds)).toEqual([
        { first: 1, last: 50 },
        { first: 51, last: 100 },
        { first: 101, last: 150 },
      ]);
      expect(summaries[0]!.deletedUserIds).toEqual([]);
      const deleted = summaries.flatMap((s) => s.deletedUserIds);
      expect(deleted).toHaveLength(4);
      const users = await rows(`SELECT id FROM \`${db}\`.\`user\` ORDER BY id`);
      expect(users.map((u) => u.id)).toEqual(summaries.flatMap((s) => s.insertedUserIds).filter((id) => !deleted.includes(id)));
      expect(summaries[2]).toMatchObject({ totalUsers: 26, totalActivity: 150 });
      const [orphans] = await rows(`SELECT COUNT(*) AS n FROM \`${db}\`.activitylog WHERE user_id IS NULL`);
      expect(Number(orphans!.n)).toBeGreaterThan(0);
      const dangling = await rows(
        `SELECT a.id FROM \`${db}\`.activitylog a LEFT JOIN \`${db}\`.\`user\` u ON u.id = a.user_id WHERE a.user_id IS NOT NULL AND u.id IS NULL`,
      );
      expect(dangling).toEqual([]);
    });

    it('WHEN the rounds ran THEN each round logged upper-case types at whole seconds in the 24 h before its clock', async () => {
      const activity = await rows(`SELECT id, type, \`timestamp\` AS ts FROM \`${db}\`.activitylog ORDER BY id`);
      for (const a of activity) {
        const round = Math.floor((Number(a.id) - 1) / 50);
        const clockMs = clockAfter(round).getTime();
        const ms = Date.parse(String(a.ts).replace(' ', 'T') + 'Z');
        expect(['INSERT', 'UPDATE', 'DELETE']).toContain(a.type);
        expect(ms).toBeGreaterThanOrEqual(clockMs - DAY_MS);
        expect(ms).toBeLessThan(clockMs);
      }
    });

    it('WHEN the same rounds run on CSV snapshots THEN the tables and upload dumps are the same', async () => {
      const csvDir = tempDir();
      for (let day = 0; day < 3; day++) await generateUserActivityRound({ outDir: csvDir, seed: 5, clock: clockAfter(day) });
      const snap = await readUserActivitySnapshot(csvDir);
      const users = await rows(`SELECT id, name FROM \`${db}\`.\`user\` ORDER BY id`);
      const activity = await rows(`SELECT id, user_id, type, \`timestamp\` AS ts FROM \`${db}\`.activitylog ORDER BY id`);
      expect(users.map((u) => ({ id: u.id, name: u.name }))).toEqual(snap.users);
      expect(activity.map((a) => ({ id: a.id, userId: a.user_id, type: a.type, timestamp: a.ts }))).toEqual(snap.activity);
      for (const s of summaries) {
        const name = s.uploadFile.slice(outDir.length);
        expect(readFileSync(s.uploadFile, 'utf8')).toBe(readFileSync(join(csvDir, name), 'utf8'));
      }
    });
  });

  it('GIVEN a round that fails halfway WHEN its transaction rolls back THEN the deletes of that round are undone', async () => {
    const { db, url } = await freshDatabase();
    // names longer than 3 characters make the user inserts fail after the deletes ran
    await admin.query(`CREATE TABLE \`${db}\`.\`user\` (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL)`);
    await admin.query(`INSERT INTO \`${db}\`.\`user\` VALUES (1, 'Al'), (2, 'Bo'), (3, 'Cy'), (4, 'Di')`);
    await admin.query(
      `CREATE TABLE \`${db}\`.activitylog (id INT PRIMARY KEY, user_id INT NULL, type VARCHAR(10) NOT NULL, \`timestamp\` DATETIME NOT NULL)`,
    );
    await admin.query(`INSERT INTO \`${db}\`.activitylog VALUES (1, 1, 'INSERT', '2024-03-10 01:00:00'), (2, 2, 'UPDATE', '2024-03-10 02:00:00')`);

    await expect(generateUserActivityRound({ outDir: tempDir(), mysqlUrl: url, clock: CLOCK, deletes: 3 })).rejects.toThrow(/too long/i);

    expect((await rows(`SELECT id, name FROM \`${db}\`.\`user\` ORDER BY id`)).map((u) => `${u.id}:${u.name}`)).toEqual(['1:Al', '2:Bo', '3:Cy', '4:Di']);
    expect((await rows(`SELECT user_id FROM \`${db}\`.activitylog ORDER BY id`)).map((a) => a.user_id)).toEqual([1, 2]);
  });
});
