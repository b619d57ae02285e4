// Bad input for sparkify's staging_events (JSON lines, MAXERROR 0) through the real state machine:
// each corpus file is landed as the day's event log next to one song, and the run either fails with a
// named error whose alert names the file and line, or loads what it should. Every run reconciles
// (read = loaded + rejected) and leaves the raw files byte-identical.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeOf } from '../../lib/local/exit-codes.ts';
import { FIXTURE_SONG } from '../support/sparkify-fixture.ts';
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

const RUN_DATE = '2018-11-01';
const LOG_KEY = 'log_data/2018/11/2018-11-01-events.json';
const SONG_KEY = 'song_data/A/A/A/TRAAAAW128F429D538.json';
const STAGE = 'Stage staging_events';

/** Runs sparkify on a landing folder of one song and `events` as the day's log, plus `extra` keys. */
async function runWithLog(events: string | Buffer, extra: Record<string, string | Buffer> = {}): Promise<BadInputRun> {
  const dataDir = await landingFolder({ [SONG_KEY]: JSON.stringify(FIXTURE_SONG), [LOG_KEY]: events, ...extra });
  return runOnLanding('sparkify', dataDir, RUN_DATE);
}

function stagedEvents(run: BadInputRun) {
  return run.outcome.loads.find((load) => load.table === 'staging_events');
}

const missingTsRun = sharedRun(async () => runWithLog(await fixture('sparkify/events-missing-ts.json')));
const invalidUtf8Run = sharedRun(async () => runWithLog(await fixture('sparkify/events-invalid-utf8.json')));
const bomWrongTypeRun = sharedRun(async () => runWithLog(await fixture('sparkify/events-bom-wrong-type.json')));

describe.concurrent('bad input: sparkify staging_events JSON lines', () => {
  it('fails the run at staging with LoadErrorsExceeded naming the file and line of a malformed JSON line', async () => {
    const run = await runWithLog(await fixture('sparkify/events-malformed.json'));

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`, 'Invalid JSON'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 2, error_code: 1216, raw_line: '{"artist": "Casual", "page": "NextSong", ' }]);
    expect(run.outcome.tables.songplays).toBe(0);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging naming the file, line and column of a value of the wrong type', async () => {
    const run = await runWithLog(await fixture('sparkify/events-wrong-type.json'));

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`, 'session_id', 'Invalid digit'] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 2, column_name: 'session_id', error_code: 1207, raw_field_value: 'abc' }]);
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run on a NextSong event without ts, every load reconciled and the raw files intact', async () => {
    const run = await missingTsRun();

    expect(run.outcome.status).toBe('FAILED');
    expect(run.alerts).toHaveLength(1);
    await expectReconciledAndRawIntact(run);
  });

  it('rejects a NextSong event without ts at staging as input naming the file and line instead of failing Build songplays on a NOT NULL constraint', async () => {
    const run = await missingTsRun();

    expect(exitCodeOf(run.outcome.error)).toBe(EXIT_CODES.inputRejected);
    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`, 'ts'] });
  });

  it('fails the run at staging on a 1 MB string, keeping the rejected line and value cut to 1024 characters', async () => {
    const events = await fixture('sparkify/events-valid.json');
    const [first] = events.toString('utf8').split('\n');
    const oversized = JSON.stringify({ ...JSON.parse(first!), artist: MEGABYTE_STRING });

    const run = await runWithLog(`${first}\n${oversized}\n`);

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`, 'artist', 'String length exceeds DDL length'] });
    const [rejected] = await loadErrors(run.stateDir);
    expect(rejected).toMatchObject({ line_number: 2, column_name: 'artist', error_code: 1204 });
    expect(String(rejected!.raw_line)).toHaveLength(1024);
    expect(rejected!.raw_field_value).toBe(MEGABYTE_STRING.slice(0, 1024));
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging on a line holding invalid UTF-8, every load reconciled and the raw files intact', async () => {
    const run = await invalidUtf8Run();

    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.failedStep).toBe(STAGE);
    expect(run.outcome.tables.songplays).toBe(0);
    await expectReconciledAndRawIntact(run);
  });

  it('rejects a line holding invalid UTF-8 as that file and line instead of failing the whole COPY as StatementFailed', async () => {
    const run = await invalidUtf8Run();

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`] });
    expect(await loadErrors(run.stateDir)).toMatchObject([{ line_number: 2 }]);
  });

  it('loads both lines of a log that starts with a UTF-8 byte-order mark', async () => {
    const events = await fixture('sparkify/events-bom.json');
    expect(events.subarray(0, 3)).toEqual(UTF8_BOM);

    const run = await runWithLog(events);

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(stagedEvents(run)).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(run.outcome.tables).toMatchObject({ songplays: 2, users: 2 });
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at staging on a wrong-type line of a log that starts with a UTF-8 byte-order mark, reconciled and the raw files intact', async () => {
    const run = await bomWrongTypeRun();

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: [`${LOG_KEY}:2`, 'session_id'] });
    await expectReconciledAndRawIntact(run);
  });

  it('rejects only the bad line of a log that starts with a UTF-8 byte-order mark, not its first line too', async () => {
    const run = await bomWrongTypeRun();

    expectFailureAlert(run, { errorName: 'LoadErrorsExceeded', failedStep: STAGE, mentions: ['rejected 1 row(s)', `${LOG_KEY}:2`] });
    expect((await loadErrors(run.stateDir)).map((row) => row.line_number)).toEqual([2]);
  });

  it('loads every line of a log with CRLF line ends and leaves no carriage return in any value', async () => {
    const events = await fixture('sparkify/events-crlf.json');
    expect(events.toString('utf8')).toContain('\r\n');

    const run = await runWithLog(events);

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(stagedEvents(run)).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    const withCarriageReturn = await queryWarehouse(
      run.stateDir,
      `SELECT user_id FROM users WHERE strpos(first_name || last_name || gender || level, chr(13)) > 0
       UNION ALL SELECT user_id FROM songplays WHERE strpos(level || location || user_agent, chr(13)) > 0`,
    );
    expect(withCarriageReturn).toEqual([]);
    await expectReconciledAndRawIntact(run);
  });

  it('stages nothing from an empty log and fails the run at the quality checks naming the empty tables', async () => {
    const run = await runWithLog(await fixture('sparkify/events-empty.json'));

    expectFailureAlert(run, { errorName: 'DataQualityCheckFailed', failedStep: 'Run quality checks', mentions: ['songplays_not_empty', 'users_not_empty'] });
    expect(stagedEvents(run)).toEqual({ table: 'staging_events', files: 1, read: 0, loaded: 0, rejected: 0 });
    await expectReconciledAndRawIntact(run);
  });

  it("quarantines the repeated events and fails the run at Clean events when the day's log landed under a second key with the same bytes", async () => {
    const events = await fixture('sparkify/events-valid.json');

    const run = await runWithLog(events, { [`${LOG_KEY}.bak`]: events });

    const dedupe = 'dedupe(session_id, item_in_session, user_id)';
    expectFailureAlert(run, { errorName: 'CleaningThresholdExceeded', failedStep: 'Clean events', mentions: ['2 of 4 row(s) of staging_events', `${dedupe} 2`] });
    expect(exitCodeOf(run.outcome.error)).toBe(EXIT_CODES.inputRejected);
    expect(stagedEvents(run)).toMatchObject({ files: 2, read: 4, loaded: 4, rejected: 0 });
    expect(await queryWarehouse(run.stateDir, 'SELECT rule, COUNT(*) AS n FROM redline_quarantine GROUP BY rule')).toEqual([{ rule: dedupe, n: 2 }]);
    await expectReconciledAndRawIntact(run);
  });

  it('adds a song landed under two keys with the same bytes once', async () => {
    const run = await runWithLog(await fixture('sparkify/events-valid.json'), {
      'song_data/A/A/B/TRAAAAW128F429D539.json': JSON.stringify(FIXTURE_SONG),
    });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.loads.find((load) => load.table === 'staging_songs')).toMatchObject({ files: 2, read: 2, loaded: 2 });
    expect(run.outcome.tables).toMatchObject({ songs: 1, artists: 1 });
    await expectReconciledAndRawIntact(run);
  });

  it('ignores a field no column takes and loads every line', async () => {
    const run = await runWithLog(await fixture('sparkify/events-extra-field.json'));

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(stagedEvents(run)).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(run.outcome.tables.songplays).toBe(2);
    await expectReconciledAndRawIntact(run);
  });
});
