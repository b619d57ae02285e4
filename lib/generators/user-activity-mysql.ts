// MySQL/MariaDB source backend of the user_activity generator (./user-activity.ts): creates the tables
// `user` and activitylog when missing, then reads the state and applies a round's changes in one
// transaction (the state rows are read with FOR UPDATE, so concurrent rounds serialise).

import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { RoundChanges, SourceState, TableTotals, UserActivitySource } from './user-activity.ts';

const CREATE_USER = 'CREATE TABLE IF NOT EXISTS `user` (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)';
const CREATE_ACTIVITY =
  'CREATE TABLE IF NOT EXISTS activitylog (id INT PRIMARY KEY, user_id INT NULL, type VARCHAR(10) NOT NULL, `timestamp` DATETIME NOT NULL)';
/** rows per multi-row INSERT, well below any max_allowed_packet */
const INSERT_CHUNK = 2_000;

export class MysqlUserActivitySource implements UserActivitySource {
  readonly kind = 'mysql';

  /** @param url e.g. mysql://root@127.0.0.1:3306/test (the database must exist) */
  constructor(private readonly url: string) {}

  async runRound(plan: (state: SourceState) => RoundChanges): Promise<TableTotals> {
    const conn = await mysql.createConnection({ uri: this.url, connectTimeout: 5_000 });
    try {
      await conn.query(CREATE_USER);
      await conn.query(CREATE_ACTIVITY);
      await conn.beginTransaction();
      try {
        const totals = await applyRound(conn, plan);
        await conn.commit();
        return totals;
      } catch (err) {
        await conn.rollback();
        throw err;
      }
    } finally {
      await conn.end();
    }
  }
}

async function applyRound(conn: Connection, plan: (state: SourceState) => RoundChanges): Promise<TableTotals> {
  const [users] = await conn.query<RowDataPacket[]>('SELECT id, name FROM `user` ORDER BY id FOR UPDATE');
  const [last] = await conn.query<RowDataPacket[]>('SELECT id FROM activitylog ORDER BY id DESC LIMIT 1 FOR UPDATE');
  const changes = plan({
    users: users.map((u) => ({ id: Number(u.id), name: String(u.name) })),
    maxActivityId: last.length > 0 ? Number(last[0]!.id) : 0,
  });

  if (changes.deleteUserIds.length > 0) {
    await conn.query('UPDATE activitylog SET user_id = NULL WHERE user_id IN (?)', [changes.deleteUserIds]);
    await conn.query('DELETE FROM `user` WHERE id IN (?)', [changes.deleteUserIds]);
  }
  for (let i = 0; i < changes.insertUsers.length; i += INSERT_CHUNK) {
    const rows = changes.insertUsers.slice(i, i + INSERT_CHUNK).map((u) => [u.id, u.name]);
    await conn.query('INSERT INTO `user` (id, name) VALUES ?', [rows]);
  }
  for (const u of changes.renameUsers) {
    await conn.query('UPDATE `user` SET name = ? WHERE id = ?', [u.name, u.id]);
  }
  for (let i = 0; i < changes.insertActivity.length; i += INSERT_CHUNK) {
    const rows = changes.insertActivity.slice(i, i + INSERT_CHUNK).map((a) => [a.id, a.userId, a.type, a.timestamp]);
    await conn.query('INSERT INTO activitylog (id, user_id, type, `timestamp`) VALUES ?', [rows]);
  }

  const [counts] = await conn.query<RowDataPacket[]>(
    'SELECT (SELECT COUNT(*) FROM `user`) AS users, (SELECT COUNT(*) FROM activitylog) AS activity',
  );
  return { users: Number(counts[0]!.users), activity: Number(counts[0]!.activity) };
}
