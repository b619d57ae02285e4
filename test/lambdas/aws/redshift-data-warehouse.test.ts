import {
  ActiveStatementsExceededException,
  BatchExecuteStatementCommand,
  BatchExecuteStatementException,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  ValidationException,
  type ExecuteStatementCommandInput,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { copySpecSchema } from '../../../lambdas/core/copy-spec.ts';
import { renderCopySql } from '../../../lambdas/core/copy-sql.ts';
import { InvalidInput, LoadErrorsExceeded, StatementFailed, WarehouseThrottled } from '../../../lambdas/core/errors.ts';
import {
  RedshiftDataWarehouse,
  type RedshiftDataWarehouseOptions,
} from '../../../lambdas/aws/redshift-data-warehouse.ts';
import { StatementAborted, StatementTimedOut, WarehouseUnavailable } from '../../../lambdas/aws/statement-errors.ts';

const redshift = mockClient(RedshiftDataClient);
const context = { runId: 'sparkify-2018-11-02-ab', step: 'songs' };
const BATCH_ID = '11111111-2222-3333-4444-555555555555';
const QUERY_ID = '99999999-8888-7777-6666-555555555555';

/** A clock that only moves when the warehouse sleeps. */
function fakeClock() {
  const clock = {
    time: Date.UTC(2018, 10, 2, 1, 0, 0),
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

let clock = fakeClock();

function warehouse(options: Partial<RedshiftDataWarehouseOptions> = {}): RedshiftDataWarehouse {
  return new RedshiftDataWarehouse({
    client: new RedshiftDataClient({ region: 'eu-west-1' }),
    workgroupName: 'redline',
    database: 'dev',
    pollIntervalMs: 1_000,
    statementTimeoutMs: 5_000,
    sleep: clock.sleep,
    now: clock.now,
    ...options,
  });
}

function submitsBatch(id = BATCH_ID, createdAt = new Date(clock.time)): void {
  redshift.on(BatchExecuteStatementCommand).resolves({ Id: id, CreatedAt: createdAt });
}

function sentTokens(): (string | undefined)[] {
  return redshift.commandCalls(BatchExecuteStatementCommand).map((call) => call.args[0].input.ClientToken);
}

beforeEach(() => {
  redshift.reset();
  clock = fakeClock();
});

describe('RedshiftDataWarehouse.executeInTransaction', () => {
  it('GIVEN a batch that finishes WHEN executed THEN it is one BatchExecuteStatement with IAM auth, polled until FINISHED', async () => {
    submitsBatch();
    redshift
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: BATCH_ID, Status: 'SUBMITTED' })
      .resolvesOnce({ Id: BATCH_ID, Status: 'STARTED' })
      .resolves({ Id: BATCH_ID, Status: 'FINISHED' });

    await warehouse().executeInTransaction(['DELETE FROM songs', 'INSERT INTO songs SELECT 1'], context);

    const [submit] = redshift.commandCalls(BatchExecuteStatementCommand);
    expect(submit?.args[0].input).toMatchObject({
      WorkgroupName: 'redline',
      Database: 'dev',
      Sqls: ['DELETE FROM songs', 'INSERT INTO songs SELECT 1'],
      StatementName: 'redline/sparkify-2018-11-02-ab/songs',
    });
    expect(submit?.args[0].input.SecretArn).toBeUndefined();
    expect(submit?.args[0].input.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(redshift.commandCalls(DescribeStatementCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it('GIVEN no statements WHEN executed THEN nothing is submitted', async () => {
    await warehouse().executeInTransaction([], context);
    expect(redshift.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });

  it("GIVEN a batch that FAILED WHEN executed THEN StatementFailed surfaces Redshift's message and the failing SQL", async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({
      Id: BATCH_ID,
      Status: 'FAILED',
      Error: 'ERROR: relation "sogns" does not exist',
      SubStatements: [
        { Id: `${BATCH_ID}:1`, Status: 'FINISHED', QueryString: 'DELETE FROM songs' },
        { Id: `${BATCH_ID}:2`, Status: 'FAILED', QueryString: 'INSERT INTO sogns SELECT 1' },
      ],
    });

    const failure = warehouse().executeInTransaction(['DELETE FROM songs', 'INSERT INTO sogns SELECT 1'], context);

    await expect(failure).rejects.toThrow(StatementFailed);
    await expect(failure).rejects.toThrow(/songs: ERROR: relation "sogns" does not exist\nin: INSERT INTO sogns SELECT 1/);
    await expect(failure).rejects.toMatchObject({ name: 'StatementFailed', transient: false });
  });

  it('GIVEN a batch that was ABORTED WHEN executed THEN StatementAborted (transient) is thrown at once, without polling on', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'ABORTED' });

    const failure = warehouse().executeInTransaction(['VACUUM songs'], context);

    await expect(failure).rejects.toThrow(StatementAborted);
    await expect(failure).rejects.toMatchObject({ name: 'StatementAborted', transient: true, statementId: BATCH_ID });
    expect(redshift.commandCalls(DescribeStatementCommand)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('GIVEN the Data API throttles (ThrottlingException) WHEN submitting THEN WarehouseThrottled (transient) is thrown', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
    redshift.on(BatchExecuteStatementCommand).rejects(throttled);

    const failure = warehouse().executeInTransaction(['SELECT 1'], context);

    await expect(failure).rejects.toThrow(WarehouseThrottled);
    await expect(failure).rejects.toMatchObject({ transient: true, message: 'ThrottlingException: Rate exceeded' });
  });

  it('GIVEN too many active statements WHEN submitting THEN WarehouseThrottled is thrown', async () => {
    redshift
      .on(BatchExecuteStatementCommand)
      .rejects(new ActiveStatementsExceededException({ message: 'Active statements exceeded the allowed quota.', $metadata: {} }));

    await expect(warehouse().executeInTransaction(['SELECT 1'], context)).rejects.toThrow(WarehouseThrottled);
  });

  it('GIVEN a server-side fault of the Data API WHEN submitting THEN WarehouseUnavailable (transient) is thrown', async () => {
    redshift
      .on(BatchExecuteStatementCommand)
      .rejects(new BatchExecuteStatementException({ message: 'environmental error', Message: 'environmental error', StatementId: 'x', $metadata: {} }));

    const failure = warehouse().executeInTransaction(['SELECT 1'], context);

    await expect(failure).rejects.toThrow(WarehouseUnavailable);
    await expect(failure).rejects.toMatchObject({ name: 'WarehouseUnavailable', transient: true });
  });

  it('GIVEN invalid input to the Data API WHEN submitting THEN the ValidationException keeps its own name', async () => {
    redshift.on(BatchExecuteStatementCommand).rejects(new ValidationException({ message: 'bad workgroup', $metadata: {} }));

    await expect(warehouse().executeInTransaction(['SELECT 1'], context)).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('GIVEN a statement still running at the timeout WHEN waiting THEN it is cancelled and StatementTimedOut is thrown', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'STARTED' });
    redshift.on(CancelStatementCommand).resolves({ Status: true });

    const failure = warehouse({ statementTimeoutMs: 5_000 }).executeInTransaction(['SELECT 1'], context);

    await expect(failure).rejects.toThrow(StatementTimedOut);
    await expect(failure).rejects.toMatchObject({ name: 'StatementTimedOut', statementId: BATCH_ID, waitedMs: 5_000 });
    expect(redshift.commandCalls(CancelStatementCommand).map((call) => call.args[0].input)).toEqual([{ Id: BATCH_ID }]);
    expect(clock.sleeps).toHaveLength(5);
  });

  it("GIVEN the step's remaining time is shorter than the statement timeout WHEN waiting THEN the statement is cancelled 15 s before it runs out", async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'PICKED' });
    redshift.on(CancelStatementCommand).resolves({ Status: true });

    const failure = warehouse({ statementTimeoutMs: 600_000, remainingTimeMs: () => 18_000 }).executeInTransaction(
      ['SELECT 1'],
      context,
    );

    await expect(failure).rejects.toMatchObject({ name: 'StatementTimedOut', waitedMs: 3_000 });
    expect(redshift.commandCalls(CancelStatementCommand)).toHaveLength(1);
  });

  it('GIVEN the same run, step and SQL WHEN submitted twice THEN both carry the same ClientToken; another step or SQL gets another', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'FINISHED' });
    const dwh = warehouse();

    await dwh.executeInTransaction(['INSERT INTO songs SELECT 1'], context);
    await dwh.executeInTransaction(['INSERT INTO songs SELECT 1'], context);
    await dwh.executeInTransaction(['INSERT INTO songs SELECT 1'], { ...context, step: 'artists' });
    await dwh.executeInTransaction(['INSERT INTO songs SELECT 2'], context);
    await dwh.executeInTransaction(['INSERT INTO songs SELECT 1'], { ...context, runId: 'sparkify-2018-11-03-cd' });

    const [first, again, otherStep, otherSql, otherRun] = sentTokens();
    expect(again).toBe(first);
    expect(new Set([first, otherStep, otherSql, otherRun]).size).toBe(4);
  });

  it('GIVEN the token leads to an earlier attempt that was ABORTED WHEN executed THEN the work is submitted afresh under a new token', async () => {
    redshift
      .on(BatchExecuteStatementCommand)
      .resolvesOnce({ Id: 'aaaaaaaa-0000-0000-0000-000000000000', CreatedAt: new Date(clock.time - 120_000) })
      .resolves({ Id: BATCH_ID, CreatedAt: new Date(clock.time) });
    redshift.on(DescribeStatementCommand, { Id: 'aaaaaaaa-0000-0000-0000-000000000000' }).resolves({ Status: 'ABORTED' });
    redshift.on(DescribeStatementCommand, { Id: BATCH_ID }).resolves({ Status: 'FINISHED' });

    await warehouse().executeInTransaction(['INSERT INTO songs SELECT 1'], context);

    const [earlier, fresh] = sentTokens();
    expect(fresh).toMatch(/^[0-9a-f]{64}$/);
    expect(fresh).not.toBe(earlier);
  });

  it('GIVEN the token leads to an earlier attempt that FINISHED WHEN executed THEN nothing runs again', async () => {
    submitsBatch(BATCH_ID, new Date(clock.time - 120_000));
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'FINISHED' });

    await warehouse().executeInTransaction(['INSERT INTO songs SELECT 1'], context);

    expect(redshift.commandCalls(BatchExecuteStatementCommand)).toHaveLength(1);
  });

  it('GIVEN a fresh statement that is ABORTED WHEN executed THEN it is not resubmitted (the state machine retries)', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Id: BATCH_ID, Status: 'ABORTED' });

    await expect(warehouse().executeInTransaction(['SELECT 1'], context)).rejects.toThrow(StatementAborted);
    expect(redshift.commandCalls(BatchExecuteStatementCommand)).toHaveLength(1);
  });
});

describe('RedshiftDataWarehouse.query', () => {
  beforeEach(() => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: QUERY_ID });
    redshift.on(DescribeStatementCommand).resolves({ Id: QUERY_ID, Status: 'FINISHED' });
  });

  it('GIVEN :name parameters WHEN queried THEN they are sent as strings (numbers and booleans as text)', async () => {
    redshift.on(GetStatementResultCommand).resolves({ Records: [], ColumnMetadata: [{ name: 'n' }] });

    await warehouse().query('SELECT COUNT(*) AS n FROM songs WHERE title = :title AND year > :year AND ok = :ok', {
      title: "Don't Stop",
      year: 1999,
      ok: true,
    });

    const [call] = redshift.commandCalls(ExecuteStatementCommand);
    expect(call?.args[0].input).toMatchObject({
      WorkgroupName: 'redline',
      Database: 'dev',
      Parameters: [
        { name: 'title', value: "Don't Stop" },
        { name: 'year', value: '1999' },
        { name: 'ok', value: 'true' },
      ],
    });
  });

  it('GIVEN no parameters WHEN queried THEN no Parameters list is sent', async () => {
    redshift.on(GetStatementResultCommand).resolves({ Records: [] });

    await warehouse().query('SELECT 1');

    expect(redshift.commandCalls(ExecuteStatementCommand)[0]?.args[0].input.Parameters).toBeUndefined();
  });

  it('GIVEN a NULL or empty parameter WHEN queried THEN InvalidInput is thrown before anything is sent', async () => {
    await expect(warehouse().query('SELECT :a', { a: null })).rejects.toThrow(InvalidInput);
    await expect(warehouse().query('SELECT :a', { a: '' })).rejects.toThrow(/parameter :a is empty/);
    expect(redshift.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });

  it('GIVEN a result in two pages WHEN queried THEN every page is read and each Field becomes a scalar under its column name', async () => {
    const columns = [{ name: 'id' }, { name: 'title' }, { name: 'score' }, { name: 'live' }, { name: 'note' }, { name: 'raw' }];
    redshift
      .on(GetStatementResultCommand, { Id: QUERY_ID, NextToken: undefined })
      .resolves({
        ColumnMetadata: columns,
        Records: [
          [
            { longValue: 1 },
            { stringValue: 'Intro' },
            { doubleValue: 0.5 },
            { booleanValue: true },
            { isNull: true },
            { blobValue: new Uint8Array([104, 105]) },
          ],
        ],
        NextToken: 'page-2',
      })
      .on(GetStatementResultCommand, { Id: QUERY_ID, NextToken: 'page-2' })
      .resolves({
        Records: [
          [
            { longValue: 2 },
            { stringValue: '12.50' },
            { doubleValue: 1 },
            { booleanValue: false },
            { stringValue: 'x' },
            { isNull: true },
          ],
        ],
      });

    const rows = await warehouse().query('SELECT * FROM songs');

    expect(rows).toEqual([
      { id: 1, title: 'Intro', score: 0.5, live: true, note: null, raw: 'aGk=' },
      { id: 2, title: '12.50', score: 1, live: false, note: 'x', raw: null },
    ]);
    expect(redshift.commandCalls(GetStatementResultCommand)).toHaveLength(2);
  });
});

describe('RedshiftDataWarehouse.execute', () => {
  beforeEach(() => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: QUERY_ID });
  });

  it('GIVEN a statement with parameters WHEN executed THEN it is sent once with them, named for its step, and waited for', async () => {
    redshift.on(DescribeStatementCommand).resolves({ Id: QUERY_ID, Status: 'FINISHED' });

    await warehouse().execute('INSERT INTO t SELECT CAST(:n AS BIGINT)', { n: 3 }, { runId: 'r1', step: 'audit_songs' });

    expect(redshift.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input)).toMatchObject([
      { Sql: 'INSERT INTO t SELECT CAST(:n AS BIGINT)', Parameters: [{ name: 'n', value: '3' }], StatementName: 'redline/audit_songs' },
    ]);
    expect(redshift.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });

  it('GIVEN the statement fails WHEN executed THEN StatementFailed carries the message', async () => {
    redshift.on(DescribeStatementCommand).resolves({ Id: QUERY_ID, Status: 'FAILED', Error: 'relation "t" does not exist' });

    await expect(warehouse().execute('INSERT INTO t VALUES (1)', {}, { runId: 'r1', step: 's' })).rejects.toThrow(
      StatementFailed,
    );
  });

  it('GIVEN a concurrent transaction collided (error 1023) WHEN executed THEN the transient SerializationConflict is thrown', async () => {
    redshift.on(DescribeStatementCommand).resolves({
      Id: QUERY_ID,
      Status: 'FAILED',
      Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 105223, transactions forming the cycle are: 27380, 27381',
    });

    await expect(warehouse().execute('DELETE FROM songplays', {}, { runId: 'r1', step: 'songplays' })).rejects.toMatchObject({
      name: 'SerializationConflict',
      transient: true,
    });
  });
});

describe('RedshiftDataWarehouse.copy', () => {
  const spec = copySpecSchema.parse({
    table: 'staging_events',
    from: 's3://redline-work/manifests/sparkify/run-1/staging_events.manifest.json',
    manifest: true,
    format: { kind: 'json', paths: 'auto' },
    maxError: 5,
    iamRole: 'arn:aws:iam::123456789012:role/redline-copy',
  });
  const stageContext = { runId: 'run-1', step: 'stage_staging_events' };
  const statsRow = [{ longValue: 4242 }, { longValue: 2 }, { longValue: 3 }];
  const statsColumns = [{ name: 'query_id' }, { name: 'rejected' }, { name: 'files' }];
  const errorColumns = ['file_name', 'line_number', 'column_name', 'column_type', 'error_code', 'error_message'].map(
    (name) => ({ name }),
  );

  /** Routes ExecuteStatement by its SQL: the COPY statistics or the load errors query. */
  function answersSysViewQueries(stats: typeof statsRow | null): void {
    redshift.on(ExecuteStatementCommand).callsFake((input: ExecuteStatementCommandInput) => ({
      Id: input.Sql?.includes('COUNT(*) AS rejected') ? 'stats000-0000-0000-0000-000000000000' : 'errors00-0000-0000-0000-000000000000',
    }));
    redshift
      .on(GetStatementResultCommand, { Id: 'stats000-0000-0000-0000-000000000000' })
      .resolves({ ColumnMetadata: statsColumns, Records: stats === null ? [] : [stats] })
      .on(GetStatementResultCommand, { Id: 'errors00-0000-0000-0000-000000000000' })
      .resolves({
        ColumnMetadata: errorColumns,
        Records: [
          [
            { stringValue: 's3://landing/log_data/2018-11-02-events.json' },
            { longValue: 7 },
            { stringValue: 'ts' },
            { stringValue: 'int8' },
            { longValue: 1207 },
            { stringValue: 'Invalid digit, Value \'x\', Pos 0, Type: Long' },
          ],
          [{ stringValue: 's3://landing/log_data/2018-11-02-events.json' }, { longValue: 9 }, { stringValue: '' }, { stringValue: '' }, { longValue: 1216 }, { stringValue: 'Invalid JSON' }],
        ],
      });
  }

  it('GIVEN a COPY that loads 8 rows and rejects 2 WHEN copied THEN counts reconcile: read = loaded + rejected', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    redshift
      .on(GetStatementResultCommand, { Id: `${BATCH_ID}:3` })
      .resolves({ ColumnMetadata: [{ name: 'loaded' }], Records: [[{ longValue: 8 }]] });
    answersSysViewQueries(statsRow);

    const result = await warehouse().copy(spec, stageContext);

    expect(result).toEqual({ table: 'staging_events', files: 3, read: 10, loaded: 8, rejected: 2 });
    const sqls = redshift.commandCalls(BatchExecuteStatementCommand)[0]?.args[0].input.Sqls ?? [];
    expect(sqls[0]).toMatch(/^SET query_group TO 'redline_[0-9a-f]{20}'$/);
    expect(sqls.slice(1)).toEqual([renderCopySql(spec), 'SELECT pg_last_copy_count() AS loaded']);
    const label = /'(.*)'/.exec(sqls[0] ?? '')?.[1];
    const stats = redshift.commandCalls(ExecuteStatementCommand)[0]?.args[0].input;
    expect(stats?.Sql).toMatch(/sys_query_history[\s\S]*sys_load_error_detail[\s\S]*sys_load_history/);
    expect(stats?.Parameters).toEqual([{ name: 'label', value: label }]);
  });

  it('GIVEN Redshift fails the COPY for exceeding MAXERROR WHEN copied THEN LoadErrorsExceeded carries the rejected count and a sample', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    redshift.on(DescribeStatementCommand, { Id: BATCH_ID }).resolves({
      Status: 'FAILED',
      Error: "ERROR: Load into table 'staging_events' failed. Check 'sys_load_error_detail' system table for details.",
    });
    answersSysViewQueries([{ longValue: 4242 }, { longValue: 6 }, { longValue: 3 }]);

    const failure = warehouse().copy(spec, stageContext);

    await expect(failure).rejects.toThrow(LoadErrorsExceeded);
    const error = (await failure.catch((e: unknown) => e)) as LoadErrorsExceeded;
    expect(error).toMatchObject({ name: 'LoadErrorsExceeded', table: 'staging_events', rejected: 6, maxError: 5 });
    expect(error.sample).toEqual([
      {
        fileName: 's3://landing/log_data/2018-11-02-events.json',
        lineNumber: 7,
        columnName: 'ts',
        columnType: 'int8',
        errorCode: 1207,
        errorMessage: "Invalid digit, Value 'x', Pos 0, Type: Long",
        rawLine: '',
        rawFieldValue: null,
      },
      expect.objectContaining({ lineNumber: 9, columnName: null, columnType: null, errorCode: 1216 }),
    ]);
    const errorsQuery = redshift.commandCalls(ExecuteStatementCommand)[1]?.args[0].input.Sql;
    expect(errorsQuery).toMatch(/FROM sys_load_error_detail[\s\S]*ORDER BY start_time DESC[\s\S]*LIMIT 10$/);
  });

  it('GIVEN another COPY failure WHEN copied THEN it stays a StatementFailed', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'ERROR: S3ServiceException: Access Denied' });

    await expect(warehouse().copy(spec, stageContext)).rejects.toThrow(/stage_staging_events: ERROR: S3ServiceException/);
  });

  it('GIVEN the COPY never shows in SYS_QUERY_HISTORY WHEN copied THEN StatementFailed says so after a few looks', async () => {
    submitsBatch();
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    redshift
      .on(GetStatementResultCommand, { Id: `${BATCH_ID}:3` })
      .resolves({ ColumnMetadata: [{ name: 'loaded' }], Records: [[{ longValue: 8 }]] });
    answersSysViewQueries(null);

    await expect(warehouse().copy(spec, stageContext)).rejects.toThrow(/shows no COPY labelled redline_/);
    expect(redshift.commandCalls(ExecuteStatementCommand)).toHaveLength(5);
  });
});

describe('RedshiftDataWarehouse.loadErrors', () => {
  it("GIVEN a run's COPY into a table WHEN its load errors are read THEN they come from SYS_LOAD_ERROR_DETAIL under the COPY's label", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: QUERY_ID });
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    redshift.on(GetStatementResultCommand).resolves({ Records: [] });
    const dwh = warehouse();

    await dwh.loadErrors('staging_events', { runId: 'run-1', step: 'stage_staging_events' }, 5);
    await dwh.loadErrors('staging_songs', { runId: 'run-1', step: 'stage_staging_events' }, 5);

    const [first, otherTable] = redshift.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input);
    expect(first?.Sql).toMatch(/LIMIT 5$/);
    expect(first?.Parameters?.[0]?.value).toMatch(/^redline_[0-9a-f]{20}$/);
    expect(otherTable?.Parameters?.[0]?.value).not.toBe(first?.Parameters?.[0]?.value);
  });
});
