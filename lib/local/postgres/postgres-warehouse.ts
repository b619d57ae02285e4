// PostgreSQL Warehouse adapter: runs the pipelines' Redshift SQL on PostgreSQL 15 (the engine family
// Redshift descends from) through the PostgreSQL dialect layer, to keep that SQL honest. COPY is not
// implemented twice: the DuckDB COPY loads into a scratch in-memory DuckDB mirroring the schema (the
// schema scripts at open, then every CREATE TABLE IF NOT EXISTS and DROP TABLE IF EXISTS run through
// the adapter, such as a run's staging copies), and the
// accepted and rejected rows are then moved into PostgreSQL in one transaction.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { LOAD_ERRORS_TABLE, type CopyResult, type CopySpec } from '../../../lambdas/core/copy-spec.ts';
import {
  InvalidInput,
  LoadErrorsExceeded,
  RedlineError,
  StatementFailed,
  type LoadErrorSample,
} from '../../../lambdas/core/errors.ts';
import type { Row, SqlParams, SqlValue, StatementContext, Warehouse } from '../../../lambdas/core/ports.ts';
import { copyIntoDuckDb, ensureLoadErrorsTable, type CopySource } from '../duckdb/copy.ts';
import { unloadToFolder } from '../duckdb/duckdb-warehouse.ts';
import type { UnloadResult, UnloadSpec } from '../../../lambdas/core/unload-sql.ts';
import { DIALECT_SETUP, translateScript } from '../duckdb/dialect.ts';
import { POSTGRES_SETUP, translateForPostgres } from './postgres-dialect.ts';

/** How to reach PostgreSQL, where the warehouse lives there, and what COPY mirrors. */
export interface PostgresWarehouseOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/test` */
  connectionString: string;
  /** The schema holding the tables and the Redshift functions; created if absent; the whole search_path. */
  schema: string;
  /** Redshift DDL scripts (e.g. sql/sparkify/create_tables.sql's text) defining every table COPY loads. */
  schemaSql: readonly string[];
  /** Where COPY finds the files an s3:// URI names. */
  source: CopySource;
}

/** Rows per multi-row INSERT when moving COPY results (kept under PostgreSQL's 65,535 parameters). */
const BATCH_ROWS = 1_000;
const MAX_PARAMETERS = 65_535;

const LOAD_ERRORS_DDL = `CREATE TABLE IF NOT EXISTS ${LOAD_ERRORS_TABLE} (
  query_id VARCHAR, table_name VARCHAR, file_name VARCHAR, line_number BIGINT, column_name VARCHAR,
  column_type VARCHAR, error_code INTEGER, error_message VARCHAR, raw_line VARCHAR, raw_field_value VARCHAR,
  start_time TIMESTAMP)`;

export class PostgresWarehouse implements Warehouse {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: pg.Client,
    private readonly scratch: { instance: DuckDBInstance; connection: DuckDBConnection },
    private readonly source: CopySource,
  ) {}

  /**
   * Connects (one session, search_path = `schema`, TimeZone = UTC), creates the schema, the Redshift
   * functions and the load-errors table, and a scratch DuckDB holding `schemaSql`'s tables for COPY.
   */
  static async open(options: PostgresWarehouseOptions): Promise<PostgresWarehouse> {
    const client = new pg.Client({
      connectionString: options.connectionString,
      options: `-c search_path=${quoteIdent(options.schema)} -c TimeZone=UTC`,
      types: { getTypeParser: typeParser },
    });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
      for (const statement of [...POSTGRES_SETUP, LOAD_ERRORS_DDL]) await client.query(statement);
      return new PostgresWarehouse(client, await openScratch(options.schemaSql), options.source);
    } catch (error) {
      await client.end();
      throw error;
    }
  }

  executeInTransaction(statements: readonly string[], context: StatementContext): Promise<void> {
    return this.serially(() =>
      this.inTransaction(async () => {
        for (const statement of statements) await this.run(translateForPostgres(statement).sql, [], context.step);
      }),
    ).then(() => this.mirrorTableDdl(statements));
  }

  /** Repeats the repeatable CREATE TABLE and DROP TABLE statements of `statements` in the scratch DuckDB. */
  private mirrorTableDdl(statements: readonly string[]): Promise<void> {
    return this.serially(async () => {
      for (const statement of statements.filter(definesTable)) {
        for (const translated of translateScript(statement)) await this.scratch.connection.run(translated);
      }
    });
  }

  execute(sql: string, params: SqlParams, context: StatementContext): Promise<void> {
    return this.serially(async () => {
      const translated = translateForPostgres(sql);
      await this.run(translated.sql, boundValues(translated.params, params, sql), context.step);
    });
  }

  query(sql: string, params: SqlParams = {}): Promise<Row[]> {
    return this.serially(async () => {
      const translated = translateForPostgres(sql);
      return (await this.run(translated.sql, boundValues(translated.params, params, sql), 'query')).rows;
    });
  }

  copy(spec: CopySpec, context: StatementContext): Promise<CopyResult> {
    return this.serially(async () => {
      const { connection } = this.scratch;
      await connection.run(`DELETE FROM ${quoteIdent(spec.table)}`);
      await connection.run(`DELETE FROM ${LOAD_ERRORS_TABLE}`);
      try {
        const result = await copyIntoDuckDb(connection, spec, context, this.source);
        await this.inTransaction(async () => {
          await this.moveRows(spec.table);
          await this.moveRows(LOAD_ERRORS_TABLE);
        });
        return result;
      } catch (error) {
        if (error instanceof LoadErrorsExceeded) await this.inTransaction(() => this.moveRows(LOAD_ERRORS_TABLE));
        throw error;
      }
    });
  }

  loadErrors(table: string, context: StatementContext, limit: number): Promise<LoadErrorSample[]> {
    return this.serially(async () => {
      const result = await this.run(
        `SELECT file_name, line_number, column_name, column_type, error_code, error_message, raw_line, raw_field_value
         FROM ${LOAD_ERRORS_TABLE} WHERE query_id = $1 AND table_name = $2
         ORDER BY start_time DESC, file_name, line_number LIMIT $3`,
        [`${context.runId}:${context.step}`, table, Math.max(0, Math.trunc(limit))],
        'loadErrors',
      );
      return result.rows.map(toLoadErrorSample);
    });
  }

  /**
   * Reads the query's rows from PostgreSQL as text into a scratch table, then writes them as Parquet
   * the way the DuckDB warehouse does (columns keep PostgreSQL's values, typed as text).
   */
  unload(spec: UnloadSpec, context: StatementContext): Promise<UnloadResult> {
    return this.serially(async () => {
      const { rows, fields } = await this.run(translateForPostgres(spec.sql.trim().replace(/;\s*$/, '')).sql, [], context.step);
      const { connection } = this.scratch;
      const columns = fields.map((f) => f.name);
      await connection.run('DROP TABLE IF EXISTS redline_unload');
      await connection.run(`CREATE TEMP TABLE redline_unload (${columns.map((c) => `${quoteIdent(c)} VARCHAR`).join(', ')})`);
      for (const row of rows) {
        const values = columns.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c])));
        await connection.run(`INSERT INTO redline_unload VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
      }
      await unloadToFolder(connection, 'SELECT * FROM redline_unload', this.source.localPath(spec.to), context);
      return { rows: rows.length };
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.scratch.connection.closeSync();
    this.scratch.instance.closeSync();
    await this.client.end();
  }

  /** Copies every row of the scratch DuckDB's `table` into PostgreSQL's, as text, in multi-row INSERTs. */
  private async moveRows(table: string): Promise<void> {
    const reader = await this.scratch.connection.runAndReadAll(
      `SELECT COLUMNS(*)::VARCHAR FROM ${quoteIdent(table)}`,
    );
    const columns = reader.columnNames();
    const rows = reader.getRowsJS() as (string | null)[][];
    const batch = Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length));
    for (let from = 0; from < rows.length; from += batch) {
      const chunk = rows.slice(from, from + batch);
      await this.run(insertSql(table, columns, chunk.length), chunk.flat(), `COPY into ${table}`);
    }
  }

  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await work();
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
  }

  /** Runs one statement; PostgreSQL failures become StatementFailed naming `what` ran it. */
  private async run(sql: string, values: readonly unknown[], what: string): Promise<pg.QueryResult<Row>> {
    try {
      return await this.client.query<Row>(sql, [...values]);
    } catch (error) {
      if (error instanceof RedlineError) throw error;
      throw new StatementFailed(`${what}: ${(error as Error).message}\nin: ${sql.slice(0, 500)}`);
    }
  }

  /** Runs `work` after everything queued before it, whatever became of that. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** An in-memory DuckDB with the DuckDB dialect's setup, the load-errors table and `schemaSql`'s tables. */
async function openScratch(schemaSql: readonly string[]): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: '2',
  });
  const connection = await instance.connect();
  for (const statement of [...DIALECT_SETUP, ...schemaSql.flatMap(translateScript)]) await connection.run(statement);
  await ensureLoadErrorsTable(connection);
  return { instance, connection };
}

/** `CREATE TABLE IF NOT EXISTS …` or `DROP TABLE IF EXISTS …`: safe to run again in the scratch. */
function definesTable(statement: string): boolean {
  return /^\s*(CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS|DROP\s+TABLE\s+IF\s+EXISTS)\s/i.test(statement);
}

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const base = r * columns.length;
    return `(${columns.map((_, c) => `$${base + c + 1}`).join(', ')})`;
  });
  return `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// ---------------------------------------------------------------------------------------------
// Result values: the same scalars the DuckDB adapter returns, so rows compare equal across engines

/** PostgreSQL type OIDs whose text form is read differently from pg's defaults. */
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const PARSERS: ReadonlyMap<number, (text: string) => SqlValue> = new Map<number, (text: string) => SqlValue>([
  [OID.int8, Number],
  [OID.numeric, Number],
  [OID.date, (text) => isoText(`${text}T00:00:00Z`, text)],
  [OID.timestamp, (text) => isoText(`${text.replace(' ', 'T')}Z`, text)],
  [OID.timestamptz, (text) => isoText(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'), text)],
]);

/** BIGINT and NUMERIC → number; DATE and TIMESTAMP[TZ] → ISO text in UTC, as DuckDB's Date values give. */
const typeParser: pg.CustomTypesConfig['getTypeParser'] = (oid: number, format?: 'text' | 'binary') =>
  PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format);

/** `Date.toISOString()` of the instant (milliseconds, like DuckDB's JS values); `infinity` and such as is. */
function isoText(iso: string, original: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? original : date.toISOString();
}

function toLoadErrorSample(row: Row): LoadErrorSample {
  return {
    fileName: String(row.file_name),
    lineNumber: Number(row.line_number),
    columnName: row.column_name === null ? null : String(row.column_name),
    columnType: row.column_type === null ? null : String(row.column_type),
    errorCode: Number(row.error_code),
    errorMessage: String(row.error_message),
    rawLine: String(row.raw_line ?? ''),
    rawFieldValue: row.raw_field_value === null ? null : String(row.raw_field_value),
  };
}

/** The values of `names` (the statement's parameters, in $n order). */
function boundValues(names: readonly string[], params: SqlParams, sql: string): unknown[] {
  return names.map((name) => {
    if (!(name in params)) throw new InvalidInput(`no value for parameter :${name} in ${sql}`);
    return params[name] ?? null;
  });
}
