// SourceDatabase adapter for MySQL and MariaDB (mysql2), the same in AWS (credentials from a
// Secrets Manager secret) and locally (a mysql:// URL). Rows stream with back-pressure; values
// come back as text exactly as the server renders them (DATETIME as 'YYYY-MM-DD HH:MM:SS').
import mysql from 'mysql2';
import type { SqlValue, SourceDatabase } from '../core/ports.ts';

/** Where the database is: a URL, or the fields of an RDS-style secret. */
export type MysqlTarget =
  | { url: string }
  | { host: string; port?: number; username: string; password: string; dbname: string };

export class MysqlSource implements SourceDatabase {
  private constructor(private readonly connection: mysql.Connection) {}

  static async connect(target: MysqlTarget): Promise<MysqlSource> {
    const common = { dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z', connectTimeout: 10_000 } as const;
    const connection =
      'url' in target
        ? mysql.createConnection({ uri: target.url, ...common })
        : mysql.createConnection({
            host: target.host,
            port: target.port ?? 3306,
            user: target.username,
            password: target.password,
            database: target.dbname,
            ...common,
          });
    await connection.promise().connect();
    return new MysqlSource(connection);
  }

  async *streamRows(sql: string, values: readonly SqlValue[]): AsyncIterable<(string | null)[]> {
    const rows = this.connection.query({ sql, values: [...values], rowsAsArray: true }).stream({ highWaterMark: 1_000 });
    for await (const row of rows as AsyncIterable<unknown[]>) {
      yield row.map((value) => (value === null || value === undefined ? null : String(value)));
    }
  }

  async close(): Promise<void> {
    await this.connection.promise().end();
  }
}
