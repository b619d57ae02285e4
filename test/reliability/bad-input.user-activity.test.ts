// Bad input for user_activity's CSV sources (the user and activity-log snapshots, the upload dumps;
// header line skipped, MAXERROR 0) through the real user-activity-reports state machine: each corpus
// file takes the place of one landed source, and the run either fails with a named error whose alert
// names the file and line, or loads what it should. Every run reconciles (read = loaded + rejected)
// and leaves the raw files byte-identical.
import { describe, expect, it } from 'vitest';
import {
  MEGABYTE_STRING,
  UTF8_BOM,
  expectFailureAlert,
  expectReconciledAndRawIntact,
  fixture,
  landingFolder,
  loadErrors,
  queryWarehouse,
  runOnLanding,
  sharedRun,
  type BadInputRun,
} from '../support/bad-input.ts';

const RUN_TIME = '2026-11-20T12:00:00Z';
const USER_KEY = 'source/user.csv';
const LOG_KEY = 'source/activitylog.csv';
const DUMP_KEY = 'uploads/user_upload_dump.1763550000.csv';

/** Runs user-activity-reports on the baseline snapshots and upload dump, with `replaced` keys swapped or added. */
async function runWith(replaced: Record<string, string | Buffer>): Promise<BadInputRun> {
  const dataDir = await landingFolder({
    [USER_KEY]: await fixture('user-activity/user.csv'),
    [LOG_KEY]: await fixture('user-activity/activitylog.csv'),
    [DUMP_KEY]: await fixture('user-activity/user_upload_dump.csv'),
    ...replaced,
  });
  return runOnLanding('user-activity-reports', dataDir, RUN_TIME);
}

const invalidUtf8Run = sharedRun(async () => runWith({ [USER_KEY]: await fixture('user-activity/user-invalid-utf8.csv') }));
const dumpLandedTwiceRun = sharedRun(async () => runWith({ 'uploads/user_upload_dump.1763600000.csv': await fixture('user-activity/user_upload_dump.csv') }));

const uploadCounts = (run: BadInputRun) => queryWarehouse(run.stateDir, 'SELECT user_id, upload_count FROM user_report ORDER BY user_id');

describe.concurrent('bad input: user_activity CSV sources', () => {
  it('fails the run at staging naming the file and line of a record whose quote never closes', async () => {
    const run = await runWith({ [USER_KEY]: await fixture('user-activity/user-malformed.csv') });

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_user', mentions: [`${USER_KEY}:4`, 'Invalid quote formatting for CSV'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 4, error_code: 1216, raw_line: '3,"Carol Shaw' }]);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging naming the file, line and column of a value of the wrong type', async () => {
    const run = await runWith({ [LOG_KEY]: await fixture('user-activity/activitylog-wrong-type.csv') });

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_activitylog', mentions: [`${LOG_KEY}:4`, 'id', 'Invalid digit'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 4, column_name: 'id', error_code: 1207, raw_field_value: 'x' }]);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging naming the file, line and column of a record missing its required id', async () => {
    const run = await runWith({ [USER_KEY]: await fixture('user-activity/user-missing-id.csv') });

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_user', mentions: [`${USER_KEY}:4`, 'id', 'Missing data for not-null field'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 4, column_name: 'id', error_code: 1213 }]);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging on a 1 MB name, keeping the rejected line cut to 1024 characters', async () => {
    const users = await fixture('user-activity/user.csv');

    const run = await runWith({ [USER_KEY]: `${users.toString('utf8')}3,${MEGABYTE_STRING}\n` });

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_user', mentions: [`${USER_KEY}:4`, 'name', 'String length exceeds DDL length'] });
    const [rejected] = await loadErrors(run.stateDir);
    expect(rejected).toMatchObject({ line_number: 4, column_name: 'name', error_code: 1204 });
    expect(String(rejected!.raw_line)).toHaveLength(1024);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging on a record holding invalid UTF-8, every load reconciled and the raw files intact', async () => {
    const run = await invalidUtf8Run();

    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.failedStep).toBe('Stage staging_user');
    await expectReconciledAndRawIntact(run);
  });

  it('rejects a record holding invalid UTF-8 as that file and line instead of failing the whole COPY as StatementFailed', async () => {
    const run = await invalidUtf8Run();

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_user', mentions: [`${USER_KEY}:4`] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 4 }]);
  });

  it('skips a header that starts with a UTF-8 byte-order mark and loads every record', async () => {
    const users = await fixture('user-activity/user-bom.csv');
    expect(users.subarray(0, 3)).toEqual(UTF8_BOM);

    const run = await runWith({ [USER_KEY]: users });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.loads.find((load) => load.table === 'staging_user')).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(await queryWarehouse(run.stateDir, 'SELECT user_id, name FROM users ORDER BY user_id')).toEqual([
      { user_id: 1, name: 'Ada Lovelace' },
      { user_id: 2, name: 'Hopper, Grace' },
    ]);
    await expectReconciledAndRawIntact(run);
  });

  it('loads snapshots with CRLF line ends with no carriage return left in the last column', async () => {
    const users = await fixture('user-activity/user-crlf.csv');
    expect(users.toString('utf8')).toContain('\r\n');

    const run = await runWith({ [USER_KEY]: users, [LOG_KEY]: await fixture('user-activity/activitylog-crlf.csv') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await queryWarehouse(run.stateDir, 'SELECT user_id, name FROM users ORDER BY user_id')).toEqual([
      { user_id: 1, name: 'Ada Lovelace' },
      { user_id: 2, name: 'Hopper, Grace' },
    ]);
    expect(await queryWarehouse(run.stateDir, 'SELECT id, activity_type, activity_at FROM activitylog ORDER BY id')).toEqual([
      { id: 1, activity_type: 'INSERT', activity_at: '2026-11-17T09:00:00.000Z' },
      { id: 2, activity_type: 'UPDATE', activity_at: '2026-11-19T12:00:00.000Z' },
    ]);
    await expectReconciledAndRawIntact(run);
  });

  it('reads nothing from an empty upload dump and counts the uploads of the other dump', async () => {
    const run = await runWith({ 'uploads/user_upload_dump.1763600000.csv': await fixture('user-activity/user_upload_dump-empty.csv') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.loads.find((load) => load.table === 'staging_uploads')).toEqual({ table: 'staging_uploads', files: 2, read: 2, loaded: 2, rejected: 0 });
    expect(await uploadCounts(run)).toEqual([
      { user_id: 1, upload_count: 1 },
      { user_id: 2, upload_count: 1 },
    ]);
    await expectReconciledAndRawIntact(run);
  });

  it('stages an upload dump landed under a second key with every load reconciled and the raw files intact', async () => {
    const run = await dumpLandedTwiceRun();

    expect(run.outcome.loads.map((load) => load.table)).toContain('staging_uploads');
    await expectReconciledAndRawIntact(run);
  });

  it('counts each upload once when the same upload dump landed under a second key', async () => {
    const run = await dumpLandedTwiceRun();

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await uploadCounts(run)).toEqual([
      { user_id: 1, upload_count: 1 },
      { user_id: 2, upload_count: 1 },
    ]);
  });

  it('fails the run at staging naming the file and line of a record with a field too many', async () => {
    const run = await runWith({ [USER_KEY]: await fixture('user-activity/user-extra-field.csv') });

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: 'Stage staging_user', mentions: [`${USER_KEY}:4`, 'Extra column(s) found'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 4, error_code: 1202, raw_line: '3,Carol Shaw,extra' }]);
    await expectReconciledAndRawIntact(run);
  });
});
