// Cloud Warehouse adapter: drives Redshift Serverless through the Redshift Data API with IAM
// auth (WorkgroupName + Database; no passwords, no secrets). Every statement is submitted, then
// polled until FINISHED, FAILED or ABORTED (all three terminal), and cancelled when the step's
// time runs out. Work submitted for a run carries a stable ClientToken (run id + step + hash of
// the SQL), so a retried submit resumes the statement already running instead of running it twice.
import { createHash } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type Field,
  type RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import type { CopyResult, CopySpec } from '../core/copy-spec.ts';
import { renderCopySql } from '../core/copy-sql.ts';
import { renderUnloadSql, type UnloadResult, type UnloadSpec } from '../core/unload-sql.ts';
import { InvalidInput, LoadErrorsExceeded, SerializationConflict, StatementFailed, type LoadErrorSample } from '../core/errors.ts';
import type { Row, SqlParams, SqlValue, StatementContext, Warehouse } from '../core/ports.ts';
import { StatementAborted, StatementTimedOut, translateDataApiError } from './statement-errors.ts';

export interface RedshiftDataWarehouseOptions {
  client: RedshiftDataClient;
  /** The Redshift Serverless workgroup (name or ARN). */
  workgroupName: string;
  database: string;
  /** Pause between two DescribeStatement polls. @default 1000 */
  pollIntervalMs?: number;
  /** Longest wait for one statement before it is cancelled. @default 600_000 (10 minutes) */
  statementTimeoutMs?: number;
  /**
   * Time the current step may still run (e.g. Lambda's getRemainingTimeInMillis). A statement is
   * cancelled CANCEL_MARGIN_MS before it runs out, whatever `statementTimeoutMs` says.
   * @default no limit beyond `statementTimeoutMs`
   */
  remainingTimeMs?: () => number;
  /** @default a setTimeout-based pause */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/** What identifies one piece of submitted work across retries. */
interface StatementIdentity extends StatementContext {
  sqls: readonly string[];
}

interface Submitted {
  id: string;
  createdAt: Date | undefined;
}

type Submit = (clientToken: string) => Promise<Submitted>;

/** Time kept back from the step's remaining time to cancel a statement and report the error. */
const CANCEL_MARGIN_MS = 15_000;
/** A statement created this long before our submit belongs to an earlier attempt (clock skew allowance). */
const EARLIER_ATTEMPT_MARGIN_MS = 1_000;
/** Fresh submissions (new ClientTokens) tried after earlier attempts' failed or aborted statements. */
const MAX_GENERATIONS = 10;
/** Rows of SYS_LOAD_ERROR_DETAIL carried by LoadErrorsExceeded. */
const REJECTED_SAMPLE_SIZE = 10;
/** Looks at SYS_QUERY_HISTORY for a finished COPY before giving up (system views may lag). */
const COPY_LOOKUP_ATTEMPTS = 5;
/** Redshift's message when a COPY met more rejected rows than MAXERROR allows. */
/** Redshift's error 1023: a concurrent transaction touched the same tables; safe to run again. */
const SERIALIZATION_CONFLICT = /serializable isolation violation/i;
const LOAD_FAILED = /Load into table '?[^']*'? failed/i;

/**
 * The newest COPY labelled :label (SET query_group), its rejected rows and source files.
 * pg_last_copy_id() is not used: it returns the STL query id, which the docs say is not the
 * query_id of the SYS views, and STL views are not available on Redshift Serverless.
 */
const COPY_STATS_SQL = `
WITH copy AS (
  SELECT query_id FROM sys_query_history
  WHERE TRIM(query_label) = :label AND TRIM(query_type) = 'COPY'
  ORDER BY start_time DESC LIMIT 1
), errors AS (
  SELECT query_id, COUNT(*) AS rejected FROM sys_load_error_detail
  WHERE query_id IN (SELECT query_id FROM copy) GROUP BY query_id
), loads AS (
  SELECT query_id, MAX(source_file_count) AS files FROM sys_load_history
  WHERE query_id IN (SELECT query_id FROM copy) GROUP BY query_id
)
SELECT copy.query_id, COALESCE(errors.rejected, 0) AS rejected, COALESCE(loads.files, 0) AS files
FROM copy LEFT JOIN errors ON errors.query_id = copy.query_id LEFT JOIN loads ON loads.query_id = copy.query_id`;

/** Rejected rows of every COPY labelled :label, newest load first. */
function loadErrorsSql(limit: number): string {
  return `
SELECT TRIM(file_name) AS file_name, line_number, TRIM(column_name) AS column_name,
       TRIM(column_type) AS column_type, error_code, TRIM(error_message) AS error_message
FROM sys_load_error_detail
WHERE query_id IN (
  SELECT query_id FROM sys_query_history WHERE TRIM(query_label) = :label AND TRIM(query_type) = 'COPY')
ORDER BY start_time DESC, file_name, line_number
LIMIT ${Math.max(0, Math.trunc(limit))}`;
}

/** The Warehouse port on Redshift Serverless, through the Redshift Data API (IAM auth). */
export class RedshiftDataWarehouse implements Warehouse {
  private readonly client: RedshiftDataClient;
  private readonly target: { WorkgroupName: string; Database: string };
  private readonly pollIntervalMs: number;
  private readonly statementTimeoutMs: number;
  private readonly remainingTimeMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: RedshiftDataWarehouseOptions) {
    this.client = options.client;
    this.target = { WorkgroupName: options.workgroupName, Database: options.database };
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.statementTimeoutMs = options.statementTimeoutMs ?? 600_000;
    this.remainingTimeMs = options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** One BatchExecuteStatement: the Data API runs a batch as a single transaction. */
  async executeInTransaction(statements: readonly string[], context: StatementContext): Promise<void> {
    if (statements.length === 0) return;
    await this.runBatch({ ...context, sqls: statements });
  }

  /** One ExecuteStatement with `:name` parameters, waited for; it commits by itself. */
  async execute(sql: string, params: SqlParams, context: StatementContext): Promise<void> {
    await this.submitAndWait(sql, params, `redline/${context.step}`.slice(0, 500));
  }

  /**
   * One ExecuteStatement with `:name` parameters, every result page read. Parameters travel as
   * strings (numbers and booleans as their text); NULL and '' cannot be bound by the Data API.
   * @throws InvalidInput for a NULL, empty or non-finite parameter
   */
  async query(sql: string, params: SqlParams = {}): Promise<Row[]> {
    return this.readRows(await this.submitAndWait(sql, params, 'redline/query'));
  }

  /** Submits one statement with its parameters and waits until it finished; returns its id. */
  private async submitAndWait(sql: string, params: SqlParams, statementName: string): Promise<string> {
    const parameters = Object.entries(params).map(toSqlParameter);
    const startedAt = this.now();
    const { Id } = await this.call(() =>
      this.client.send(
        new ExecuteStatementCommand({
          ...this.target,
          Sql: sql,
          Parameters: parameters.length > 0 ? parameters : undefined,
          StatementName: statementName,
        }),
      ),
    );
    const id = requiredId(Id);
    await this.waitUntilFinished(id, startedAt, statementName);
    return id;
  }

  /**
   * Runs the COPY in a batch that labels it (SET query_group) and reads pg_last_copy_count() in
   * the same session, then counts its rejected rows and source files in the SYS views.
   * @throws LoadErrorsExceeded when Redshift failed the COPY for exceeding MAXERROR
   */
  async copy(spec: CopySpec, context: StatementContext): Promise<CopyResult> {
    const label = copyLabel(context, spec.table);
    const sqls = [`SET query_group TO '${label}'`, renderCopySql(spec), 'SELECT pg_last_copy_count() AS loaded'];
    const batchId = await this.runCopyBatch(sqls, spec, context);
    const [counted] = await this.readRows(`${batchId}:${sqls.length}`);
    const loaded = Number(counted?.loaded ?? 0);
    const { files, rejected } = await this.copyStats(label, spec.table);
    return { table: spec.table, files, read: loaded + rejected, loaded, rejected };
  }

  /** SYS_LOAD_ERROR_DETAIL rows of this run's COPY into `table`, newest load first. */
  async loadErrors(table: string, context: StatementContext, limit: number): Promise<LoadErrorSample[]> {
    const rows = await this.query(loadErrorsSql(limit), { label: copyLabel(context, table) });
    return rows.map(toLoadErrorSample);
  }

  /** Runs the UNLOAD, then counts the query's rows (UNLOAD reports none through the Data API). */
  async unload(spec: UnloadSpec, context: StatementContext): Promise<UnloadResult> {
    await this.execute(renderUnloadSql(spec), {}, context);
    const [counted] = await this.query(`SELECT COUNT(*) AS row_count FROM (${spec.sql.trim().replace(/;\s*$/, '')}) AS unloaded`);
    return { rows: Number(counted?.row_count ?? 0) };
  }

  /** Nothing to release: the Data API holds no connection, and the client belongs to the caller. */
  async close(): Promise<void> {}

  private async runCopyBatch(sqls: readonly string[], spec: CopySpec, context: StatementContext): Promise<string> {
    try {
      return await this.runBatch({ ...context, sqls });
    } catch (error) {
      if (!(error instanceof StatementFailed) || !LOAD_FAILED.test(error.message)) throw error;
      const { rejected } = await this.copyStats(copyLabel(context, spec.table), spec.table);
      const sample = await this.loadErrors(spec.table, context, REJECTED_SAMPLE_SIZE);
      throw new LoadErrorsExceeded(spec.table, rejected, spec.maxError, sample);
    }
  }

  private async copyStats(label: string, table: string): Promise<{ files: number; rejected: number }> {
    for (let attempt = 1; ; attempt += 1) {
      const [row] = await this.query(COPY_STATS_SQL, { label });
      if (row !== undefined) return { files: Number(row.files), rejected: Number(row.rejected) };
      if (attempt >= COPY_LOOKUP_ATTEMPTS) {
        throw new StatementFailed(`COPY into ${table} ran, but SYS_QUERY_HISTORY shows no COPY labelled ${label}`);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  /**
   * Submits the batch under its stable ClientToken and waits for it; returns the statement id.
   * When the token leads to a failed or aborted statement of an earlier attempt (created before
   * this submit), the work is submitted afresh under the next generation of the token, so a
   * retry after an abort, or a redrive after a fix, really runs again.
   */
  private async runBatch(identity: StatementIdentity): Promise<string> {
    for (let generation = 0; ; generation += 1) {
      const startedAt = this.now();
      const { id, createdAt } = await this.submitBatch(identity, clientToken(identity, generation));
      try {
        await this.waitUntilFinished(id, startedAt, identity.step);
        return id;
      } catch (error) {
        const earlierAttempt = createdAt !== undefined && createdAt.getTime() < startedAt - EARLIER_ATTEMPT_MARGIN_MS;
        const rerunnable = error instanceof StatementFailed || error instanceof StatementAborted;
        if (!earlierAttempt || !rerunnable || generation + 1 >= MAX_GENERATIONS) throw error;
      }
    }
  }

  private async submitBatch(identity: StatementIdentity, token: string): Promise<Submitted> {
    const output = await this.call(() =>
      this.client.send(
        new BatchExecuteStatementCommand({
          ...this.target,
          Sqls: [...identity.sqls],
          ClientToken: token,
          StatementName: `redline/${identity.runId}/${identity.step}`.slice(0, 500),
        }),
      ),
    );
    return { id: requiredId(output.Id), createdAt: output.CreatedAt };
  }

  /**
   * Polls DescribeStatement until FINISHED (returns), FAILED (StatementFailed with Redshift's
   * message, or SerializationConflict for error 1023) or ABORTED (StatementAborted); past the
   * deadline, cancels and throws StatementTimedOut.
   */
  private async waitUntilFinished(id: string, startedAt: number, step: string): Promise<void> {
    const deadline = startedAt + Math.min(this.statementTimeoutMs, this.remainingTimeMs() - CANCEL_MARGIN_MS);
    for (;;) {
      const description = await this.call(() => this.client.send(new DescribeStatementCommand({ Id: id })));
      switch (description.Status) {
        case 'FINISHED':
          return;
        case 'FAILED': {
          const detail = failureDetail(description);
          if (SERIALIZATION_CONFLICT.test(detail)) throw new SerializationConflict(`${step}: ${detail}`);
          throw new StatementFailed(`${step}: ${detail}`);
        }
        case 'ABORTED':
          throw new StatementAborted(id, failureDetail(description));
      }
      if (this.now() >= deadline) throw await this.cancel(id, this.now() - startedAt, step);
      await this.sleep(this.pollIntervalMs);
    }
  }

  private async cancel(id: string, waitedMs: number, step: string): Promise<StatementTimedOut> {
    try {
      await this.call(() => this.client.send(new CancelStatementCommand({ Id: id })));
      return new StatementTimedOut(id, waitedMs, `${step} cancelled`);
    } catch (error) {
      return new StatementTimedOut(id, waitedMs, `${step}; the cancel failed too: ${(error as Error).message}`);
    }
  }

  private async readRows(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call(() => this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })));
      if (page.ColumnMetadata !== undefined && page.ColumnMetadata.length > 0) columns = page.ColumnMetadata.map(columnName);
      for (const record of page.Records ?? []) rows.push(toRow(record, columns));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return rows;
  }

  /** Runs one Data API call, translating its exceptions into named, classified errors. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw translateDataApiError(error);
    }
  }
}

/** 64 hex characters from run id, step, a hash of the SQL and the generation. */
function clientToken(identity: StatementIdentity, generation: number): string {
  const sqlHash = sha256(identity.sqls.join('\u0000'));
  return sha256([identity.runId, identity.step, sqlHash, String(generation)].join('\u0000'));
}

/** The query_group label of a run's COPY into `table`: 28 characters (STL keeps 30), hex only. */
function copyLabel(context: StatementContext, table: string): string {
  return `redline_${sha256([context.runId, context.step, table].join('\u0000')).slice(0, 20)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function requiredId(id: string | undefined): string {
  if (id === undefined) throw new StatementFailed('the Data API returned no statement id');
  return id;
}

function toSqlParameter([name, value]: [string, SqlValue]): SqlParameter {
  if (value === null || value === '') {
    throw new InvalidInput(`parameter :${name} is ${value === null ? 'NULL' : 'empty'}; the Data API binds only non-empty values`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidInput(`parameter :${name} is ${value}`);
  return { name, value: String(value) };
}

/** Redshift's error, and which statement of a batch failed (its first 300 characters). */
function failureDetail(description: DescribeStatementResponse): string {
  const failed = description.SubStatements?.find((sub) => sub.Status === 'FAILED' || sub.Status === 'ABORTED');
  const message = description.Error ?? failed?.Error ?? `status ${description.Status ?? 'unknown'}, no error message`;
  const sql = failed?.QueryString ?? description.QueryString;
  return sql === undefined ? message : `${message}\nin: ${sql.slice(0, 300)}`;
}

function columnName(column: ColumnMetadata, index: number): string {
  return column.name ?? column.label ?? `column_${index + 1}`;
}

function toRow(record: readonly Field[], columns: readonly string[]): Row {
  const row: Row = {};
  record.forEach((field, index) => {
    row[columns[index] ?? `column_${index + 1}`] = fieldValue(field);
  });
  return row;
}

/** A Data API Field as a port scalar: BLOBs as base64 text, unknown members as NULL. */
function fieldValue(field: Field): SqlValue {
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  return null;
}

function toLoadErrorSample(row: Row): LoadErrorSample {
  return {
    fileName: String(row.file_name ?? ''),
    lineNumber: Number(row.line_number ?? 0),
    columnName: nonEmptyText(row.column_name),
    columnType: nonEmptyText(row.column_type),
    errorCode: Number(row.error_code ?? 0),
    errorMessage: String(row.error_message ?? ''),
    // SYS_LOAD_ERROR_DETAIL has no raw_line / raw_field_value columns (STL_LOAD_ERRORS had them).
    rawLine: '',
    rawFieldValue: null,
  };
}

function nonEmptyText(value: SqlValue | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}
