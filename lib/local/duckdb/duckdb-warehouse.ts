// Local Warehouse adapter: an embedded, file-backed DuckDB that runs the pipelines' Redshift
// SQL through the dialect layer and carries out COPY and UNLOAD with Redshift's semantics. Work is
// serialised on one connection, as a Redshift session would run it.
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CopyResult, CopySpec } from '../../../lambdas/core/copy-spec.ts';
import { StatementFailed, type LoadErrorSample, RedlineError } from '../../../lambdas/core/errors.ts';
import type { Row, SqlParams, SqlValue, StatementContext, Warehouse } from '../../../lambdas/core/ports.ts';
import { DIALECT_SETUP, translateStatement } from './dialect.ts';
import type { UnloadResult, UnloadSpec } from '../../../lambdas/core/unload-sql.ts';
import { copyIntoDuckDb, ensureLoadErrorsTable, readLoadErrors, type CopySource } from './copy.ts';

export class DuckDbWarehouse implements Warehouse {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly source: CopySource,
  ) {}

  /**
   * Opens (creating if needed) the database at `path` (':memory:' for a throwaway one).
   * @param source where COPY finds the files an s3:// URI names
   */
  static async open(path: string, source: CopySource): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      threads: '2',
    });
    const connection = await instance.connect();
    for (const statement of DIALECT_SETUP) await connection.run(statement);
    await ensureLoadErrorsTable(connection);
    return new DuckDbWarehouse(instance, connection, source);
  }

  executeInTransaction(statements: readonly string[], context: StatementContext): Promise<void> {
    return this.serially(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const statement of statements) {
          for (const translated of translateStatement(statement)) await this.run(translated, context);
        }
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  execute(sql: string, params: SqlParams, context: StatementContext): Promise<void> {
    return this.serially(async () => {
      try {
        await this.connection.run(singleStatement(sql), { ...params });
      } catch (error) {
        throw new StatementFailed(`${context.step}: ${(error as Error).message}\nin: ${sql.slice(0, 500)}`);
      }
    });
  }

  query(sql: string, params: SqlParams = {}): Promise<Row[]> {
    return this.serially(async () => {
      const reader = await this.connection.runAndReadAll(singleStatement(sql), { ...params });
      return reader.getRowObjectsJS().map(toRow);
    });
  }

  copy(spec: CopySpec, context: StatementContext): Promise<CopyResult> {
    return this.serially(() => copyIntoDuckDb(this.connection, spec, context, this.source));
  }

  loadErrors(table: string, context: StatementContext, limit: number): Promise<LoadErrorSample[]> {
    return this.serially(() => readLoadErrors(this.connection, table, context, limit));
  }

  /** COPY (query) TO one Parquet file in the folder standing for the prefix, emptied first. */
  unload(spec: UnloadSpec, context: StatementContext): Promise<UnloadResult> {
    return this.serially(async () => {
      const query = singleStatement(spec.sql.trim().replace(/;\s*$/, ''));
      await unloadToFolder(this.connection, query, this.source.localPath(spec.to), context);
      const reader = await this.connection.runAndReadAll(`SELECT COUNT(*) AS row_count FROM (${query}) AS unloaded`);
      return { rows: Number(reader.getRowObjectsJS()[0]?.row_count ?? 0) };
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async run(sql: string, context: StatementContext): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (error) {
      if (error instanceof RedlineError) throw error;
      throw new StatementFailed(`${context.step}: ${(error as Error).message}\nin: ${sql.slice(0, 500)}`);
    }
  }

  /** Runs `work` after everything queued before it, whatever became of that. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Writes a DuckDB query's rows as `<folder>/000.parquet` (the name Redshift's UNLOAD … PARALLEL OFF
 * gives), after emptying the folder so the result replaces an earlier one.
 */
export async function unloadToFolder(connection: DuckDBConnection, query: string, folder: string, context: StatementContext): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const file = join(folder, '000.parquet').replaceAll("'", "''");
  try {
    await connection.run(`COPY (${query}) TO '${file}' (FORMAT parquet)`);
  } catch (error) {
    throw new StatementFailed(`${context.step}: UNLOAD failed: ${(error as Error).message}`);
  }
}

/** The one DuckDB statement a single Redshift statement translates to. */
function singleStatement(sql: string): string {
  const [translated, ...rest] = translateStatement(sql);
  if (translated === undefined || rest.length > 0) throw new StatementFailed(`expected one statement: ${sql}`);
  return translated;
}

/** DuckDB's JS values → the port's scalars: BIGINT → number, TIMESTAMP → ISO text. */
function toRow(record: Record<string, unknown>): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(record)) row[key] = toSqlValue(value);
  return row;
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}
