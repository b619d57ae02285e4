// The MariaDB/MySQL server of the MySQL-path tests (127.0.0.1:3306, root, empty password). Without a
// server their suites are skipped with a visible reason, except when CI is set: then they fail.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const MARIADB_URL = 'mysql://root@127.0.0.1:3306';
export const NO_MARIADB = `no MySQL/MariaDB server answers at ${MARIADB_URL}`;
export const mariadbAnswers = await canConnect();
/** Run the suite: the server answers, or CI demands it (and the suite's beforeAll fails). */
export const runMariadbSuite = mariadbAnswers || Boolean(process.env.CI);
if (!runMariadbSuite) console.warn(`MySQL tests skipped: ${NO_MARIADB}`);

async function canConnect(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: MARIADB_URL, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/** Fails the suite when CI demanded it but no server answers. */
export function requireMariadb(): void {
  if (!mariadbAnswers) throw new Error(`${NO_MARIADB}; CI is set, so the MySQL tests fail instead of being skipped`);
}

/** Creates a database of its own for a test; returns its name and URL (drop it with dropDatabase). */
export async function createTestDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MARIADB_URL });
  try {
    await admin.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await admin.end();
  }
  return { name, url: `${MARIADB_URL}/${name}` };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = await mysql.createConnection({ uri: MARIADB_URL });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
