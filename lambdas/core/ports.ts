// Ports: what the handlers need from the outside world. Cloud adapters (Redshift Data API,
// S3, SNS) and local adapters (DuckDB, a folder, console/file) implement them; the logic
// above never knows which one it talks to.
import type { Readable } from 'node:stream';
import type { CopyResult, CopySpec } from './copy-spec.ts';
import type { LoadErrorSample } from './errors.ts';
import type { UnloadResult, UnloadSpec } from './unload-sql.ts';

/** A scalar bound to a named `:param` placeholder; never spliced into SQL text. */
export type SqlValue = string | number | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;
export type Row = Record<string, SqlValue>;

/** Identifies the work a statement belongs to, so retried submits can be recognised. */
export interface StatementContext {
  runId: string;
  step: string;
}

export interface Warehouse {
  /** Runs statements in order inside one transaction: all take effect, or none does. */
  executeInTransaction(statements: readonly string[], context: StatementContext): Promise<void>;
  /** Runs one statement with `:name` parameters on its own (it commits by itself). */
  execute(sql: string, params: SqlParams, context: StatementContext): Promise<void>;
  /** Runs one read-only query with `:name` parameters and returns its rows. */
  query(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Carries out a COPY; rejected rows land in the load-errors table (see LOAD_ERRORS_TABLE). */
  copy(spec: CopySpec, context: StatementContext): Promise<CopyResult>;
  /** The first rejected rows of a run's COPY into `table`, newest load first. */
  loadErrors(table: string, context: StatementContext, limit: number): Promise<LoadErrorSample[]>;
  /** Carries out an UNLOAD: the query's rows as Parquet under the prefix, replacing an earlier UNLOAD there. */
  unload(spec: UnloadSpec, context: StatementContext): Promise<UnloadResult>;
  close(): Promise<void>;
}

/** An object in the store, addressed by an s3://bucket/key URI. */
export interface StoredObject {
  uri: string;
  size: number;
}

export interface ObjectStore {
  /** Every object whose URI starts with `prefixUri`, sorted by URI. */
  list(prefixUri: string): Promise<StoredObject[]>;
  get(uri: string): Promise<Buffer>;
  put(uri: string, body: string | Buffer): Promise<void>;
  /** The object's bytes as a stream, read as they are consumed (never whole in memory); rejects when it does not exist. */
  openRead(uri: string): Promise<Readable>;
  /**
   * Writes `body` as the object at `uri`, replacing any object there, consuming it at the pace the store
   * takes it. Resolves once the object is stored; if `body` fails or the write fails, it rejects and no
   * partial object is left in place of the old one.
   */
  putStream(uri: string, body: Readable): Promise<void>;
}

/** An operational database redline extracts tables from (MySQL or MariaDB). */
export interface SourceDatabase {
  /** The rows of `sql`, its `?` placeholders bound to `values`, streamed; each value as text, NULL as null. */
  streamRows(sql: string, values: readonly SqlValue[]): AsyncIterable<(string | null)[]>;
  close(): Promise<void>;
}

/** A message to the people who look after a pipeline. */
export interface Alert {
  pipeline: string;
  runId: string;
  runDate: string;
  subject: string;
  error: { name: string; message: string };
  failedStep?: string;
  details: readonly string[];
}

export interface Notifier {
  send(alert: Alert): Promise<void>;
}
