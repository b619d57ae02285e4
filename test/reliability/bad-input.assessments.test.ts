// Bad input for the assessments pipeline (nested JSON attempts through its TypeScript flattener, then
// COPY and merge) through the real state machine: each corpus file is landed under assessments/, and
// the run either fails with a named error, or keeps every document it cannot flatten in
// assessment_rejects with a reason code. Every run reconciles (the flatten's read = loaded + rejected
// in the run audit, each COPY's read = loaded + rejected) and leaves the raw files byte-identical.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeOf } from '../../lib/local/exit-codes.ts';
import {
  MEGABYTE_STRING,
  UTF8_BOM,
  expectFailureAlert,
  expectReconciledAndRawIntact,
  fixture,
  landingFolder,
  queryWarehouse,
  runOnLanding,
  sharedRun,
  type BadInputRun,
} from '../support/bad-input.ts';

const RUN_DATE = '2026-11-20';

async function runWith(files: Record<string, string | Buffer>): Promise<BadInputRun> {
  const dataDir = await landingFolder(Object.fromEntries(Object.entries(files).map(([name, body]) => [`assessments/${name}`, body])));
  return runOnLanding('assessments', dataDir, RUN_DATE);
}

/** What the flatten tasks read, loaded and rejected, summed over the run audit's batches. */
async function flattened(run: BadInputRun): Promise<{ read: number; loaded: number; rejected: number }> {
  const [row] = await queryWarehouse(
    run.stateDir,
    "SELECT SUM(rows_read) AS read, SUM(rows_loaded) AS loaded, SUM(rows_rejected) AS rejected FROM redline_runs WHERE step LIKE 'flatten%'",
  );
  return { read: Number(row?.read), loaded: Number(row?.loaded), rejected: Number(row?.rejected) };
}

const attempts = (run: BadInputRun) => queryWarehouse(run.stateDir, 'SELECT attempt_key, exam_name FROM assessments ORDER BY attempt_key');
const rejects = (run: BadInputRun) =>
  queryWarehouse(run.stateDir, 'SELECT source_index, keen_id, reason_code, reason, "raw", raw_truncated FROM assessment_rejects ORDER BY source_index');

const truncatedRun = sharedRun(async () => runWith({ 'truncated.jsonl.gz': await fixture('assessments/truncated.jsonl.gz') }));
const invalidUtf8Run = sharedRun(async () => runWith({ 'invalid-utf8.jsonl': await fixture('assessments/invalid-utf8.jsonl') }));

const BOTH_ATTEMPTS = [
  { attempt_key: 'k1', exam_name: 'Learning Git' },
  { attempt_key: 'k2', exam_name: 'Learning Git' },
];

describe.concurrent('bad input: assessments JSON through its flattener', () => {
  it('keeps a malformed JSON line in assessment_rejects as invalid_json and loads the other documents', async () => {
    const run = await runWith({ 'malformed.jsonl': await fixture('assessments/malformed.jsonl') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await attempts(run)).toEqual([
      { attempt_key: 'k1', exam_name: 'Learning Git' },
      { attempt_key: 'k3', exam_name: 'Learning Git' },
    ]);
    expect(await rejects(run)).toMatchObject([{ source_index: 1, keen_id: null, reason_code: 'invalid_json', raw: '{"keen_id": "k2", ', raw_truncated: false }]);
    expect(await flattened(run)).toEqual({ read: 3, loaded: 2, rejected: 1 });
    await expectReconciledAndRawIntact(run);
  });

  it('fails the run at the flatten with AssessmentsInputError, an input error, on a truncated gzip file', async () => {
    const run = await truncatedRun();

    expectFailureAlert(run, { errorName: 'AssessmentsInputError', failedStep: 'Flatten attempts batch', mentions: ['unexpected end of file'] });
    expect(exitCodeOf(run.outcome.error)).toBe(EXIT_CODES.inputRejected);
    expect(run.outcome.tables.assessments).toBe(0);
    await expectReconciledAndRawIntact(run);
  });

  it('names the truncated gzip file in the error and the alert of the failed flatten', async () => {
    const run = await truncatedRun();

    expectFailureAlert(run, { errorName: 'AssessmentsInputError', failedStep: 'Flatten attempts batch', mentions: ['assessments/truncated.jsonl.gz'] });
  });

  it('keeps a document with a value of the wrong type in assessment_rejects as invalid_type with the field named', async () => {
    const run = await runWith({ 'wrong-type.jsonl': await fixture('assessments/wrong-type.jsonl') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await attempts(run)).toEqual([{ attempt_key: 'k1', exam_name: 'Learning Git' }]);
    expect(await rejects(run)).toMatchObject([{ source_index: 1, keen_id: 'k2', reason_code: 'invalid_type', reason: expect.stringContaining('exam_name') }]);
    expect(await flattened(run)).toEqual({ read: 2, loaded: 1, rejected: 1 });
    await expectReconciledAndRawIntact(run);
  });

  it('keeps a document missing a required field in assessment_rejects as missing_field with the field named', async () => {
    const run = await runWith({ 'missing-field.jsonl': await fixture('assessments/missing-field.jsonl') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await rejects(run)).toMatchObject([{ source_index: 1, keen_id: 'k2', reason_code: 'missing_field', reason: 'exam_name: missing' }]);
    expect(await flattened(run)).toEqual({ read: 2, loaded: 1, rejected: 1 });
    await expectReconciledAndRawIntact(run);
  });

  it('keeps a document with a 1 MB exam name in assessment_rejects as invalid_value, its text cut to 65,535 bytes', async () => {
    const [first, second] = (await fixture('assessments/attempts.jsonl')).toString('utf8').split('\n');
    const oversized = JSON.stringify({ ...JSON.parse(second!), exam_name: MEGABYTE_STRING });

    const run = await runWith({ 'oversized.jsonl': `${first}\n${oversized}\n` });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    const [rejected] = await rejects(run);
    expect(rejected).toMatchObject({ source_index: 1, keen_id: 'k2', reason_code: 'invalid_value', raw_truncated: true });
    expect(Buffer.byteLength(String(rejected!.raw))).toBe(65_535);
    expect(await flattened(run)).toEqual({ read: 2, loaded: 1, rejected: 1 });
    await expectReconciledAndRawIntact(run);
  });

  it('flattens a file holding invalid UTF-8 to the end, every count reconciled and the raw file intact', async () => {
    const run = await invalidUtf8Run();

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    const { read, loaded, rejected } = await flattened(run);
    expect({ read, accounted: loaded + rejected }).toEqual({ read: 2, accounted: 2 });
    await expectReconciledAndRawIntact(run);
  });

  it('keeps a document holding invalid UTF-8 in assessment_rejects instead of loading it with U+FFFD in place of the bytes', async () => {
    const run = await invalidUtf8Run();

    expect(await attempts(run)).toEqual([{ attempt_key: 'k1', exam_name: 'Learning Git' }]);
    expect(await rejects(run)).toMatchObject([{ source_index: 1 }]);
  });

  it('loads every document of a file that starts with a UTF-8 byte-order mark', async () => {
    const file = await fixture('assessments/bom.jsonl');
    expect(file.subarray(0, 3)).toEqual(UTF8_BOM);

    const run = await runWith({ 'bom.jsonl': file });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await attempts(run)).toEqual(BOTH_ATTEMPTS);
    expect(await flattened(run)).toEqual({ read: 2, loaded: 2, rejected: 0 });
    await expectReconciledAndRawIntact(run);
  });

  it('loads every document of a file with CRLF line ends, values without carriage returns', async () => {
    const file = await fixture('assessments/crlf.jsonl');
    expect(file.toString('utf8')).toContain('\r\n');

    const run = await runWith({ 'crlf.jsonl': file });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await attempts(run)).toEqual(BOTH_ATTEMPTS);
    expect(await rejects(run)).toEqual([]);
    await expectReconciledAndRawIntact(run);
  });

  it('reads nothing from an empty file and fails the run at assessments_not_empty', async () => {
    const run = await runWith({ 'empty.jsonl': await fixture('assessments/empty.jsonl') });

    expectFailureAlert(run, { errorName: 'DataQualityCheckFailed', failedStep: 'Run quality checks', mentions: ['assessments_not_empty'] });
    expect(await flattened(run)).toEqual({ read: 0, loaded: 0, rejected: 0 });
    await expectReconciledAndRawIntact(run);
  });

  it('merges a file landed under two keys with the same bytes into one row per attempt, question and option', async () => {
    const file = await fixture('assessments/attempts.jsonl');

    const run = await runWith({ 'a.jsonl': file, 'b.jsonl': file });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.tables).toMatchObject({ assessments: 2, assessment_questions: 2, assessment_options: 2, assessment_rejects: 0 });
    expect(await flattened(run)).toEqual({ read: 4, loaded: 4, rejected: 0 });
    await expectReconciledAndRawIntact(run);
  });

  it('ignores a field the flattener does not know and loads every document', async () => {
    const run = await runWith({ 'extra-field.jsonl': await fixture('assessments/extra-field.jsonl') });

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(await attempts(run)).toEqual(BOTH_ATTEMPTS);
    expect(await rejects(run)).toEqual([]);
    await expectReconciledAndRawIntact(run);
  });
});
