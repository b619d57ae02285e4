// The flattener on small hand-built documents, one irregularity at a time: missing sequences or
// counts, map-like sequences, questions without options, optional option fields, duplicate and
// conflicting keen_ids, non-objects, missing fields, wrong types, bad JSON lines, bytes that are not
// UTF-8, huge rejects; and the reconciliation read = loaded + duplicates + rejected.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AssessmentsInputError, flattenAssessments, type FlattenOptions, type FlattenSummary } from '../../../../lambdas/core/assessments/flatten.ts';
import { arraySink, type ArraySink } from '../../../../lambdas/core/assessments/sinks.ts';

type Json = Record<string, unknown>;

/** A small attempt document in the real file's shape (2 questions, 5 options). */
function attempt(keenId = '5a6c00000000000001000001'): Json {
  return {
    keen_timestamp: '1517000000.1234567',
    max_attempts: '1.0',
    started_at: '2018-01-26T20:52:00.500Z',
    base_exam_id: '11111111-2222-4333-8444-555555555555',
    user_exam_id: '66666666-7777-4888-9999-000000000000',
    sequences: {
      questions: [
        {
          user_incomplete: false,
          user_correct: true,
          options: [
            { checked: true, at: '2018-01-26T20:52:10.250Z', id: 'q1-o1', submitted: 1, correct: true },
            { checked: false, id: 'q1-o2' },
          ],
          user_submitted: true,
          id: 'q1',
          user_result: 'correct',
        },
        {
          user_incomplete: true,
          user_correct: false,
          options: [
            { checked: false, correct: true, id: 'q2-o1' },
            { checked: true, at: '2018-01-26T20:52:20.750Z', id: 'q2-o2', submitted: 1, correct: true },
            { checked: false, at: '2018-01-26T20:52:19.000Z', id: 'q2-o3' },
          ],
          user_submitted: true,
          id: 'q2',
          user_result: 'missed_some',
        },
      ],
      attempt: 1,
      id: 'seq-1',
      counts: { incomplete: 1, submitted: 2, incorrect: 0, all_correct: false, correct: 1, total: 2, unanswered: 0 },
    },
    keen_created_at: '1517000000.1234567',
    certification: 'false',
    keen_id: keenId,
    exam_name: 'Learning Git',
  };
}

function sequencesOf(doc: Json): Json {
  return doc.sequences as Json;
}
function questionsOf(doc: Json): Json[] {
  return sequencesOf(doc).questions as Json[];
}
function optionsOf(doc: Json, q: number): Json[] {
  return questionsOf(doc)[q]!.options as Json[];
}

async function flatten(text: string, options?: FlattenOptions): Promise<{ summary: FlattenSummary; sink: ArraySink }> {
  const sink = arraySink();
  const summary = await flattenAssessments(Readable.from([Buffer.from(text)]), sink, options);
  return { summary, sink };
}
const lines = (docs: readonly unknown[]): string => docs.map((d) => JSON.stringify(d)).join('\n');
const array = (docs: readonly unknown[]): string => JSON.stringify(docs);

describe('flattenAssessments on hand-built irregularities', () => {
  it('flattens a regular document into 1 attempt, 2 questions and 5 options with normalised values', async () => {
    const { summary, sink } = await flatten(array([attempt()]));
    expect(summary).toMatchObject({ format: 'json-array', read: 1, loaded: 1, duplicates: 0, rejected: 0, reconciled: true });
    expect(summary.rows).toEqual({ assessments: 1, assessment_questions: 2, assessment_options: 5, assessment_rejects: 0 });
    expect(sink.rows.assessments[0]).toEqual({
      attempt_key: '5a6c00000000000001000001',
      keen_id: '5a6c00000000000001000001',
      keen_timestamp: '2018-01-26 20:53:20.123456',
      keen_created_at: '2018-01-26 20:53:20.123456',
      started_at: '2018-01-26 20:52:00.500',
      max_attempts: 1,
      base_exam_id: '11111111-2222-4333-8444-555555555555',
      user_exam_id: '66666666-7777-4888-9999-000000000000',
      exam_name: 'Learning Git',
      certification: false,
      sequence_id: 'seq-1',
      attempt: 1,
      question_count: 2,
      correct: 1,
      incorrect: 0,
      unanswered: 0,
      total: 2,
      submitted: 2,
      incomplete: 1,
      all_correct: false,
    });
    expect(sink.rows.assessment_questions.map((q) => [q.question_key, q.position, q.question_id, q.user_result, q.option_count])).toEqual([
      ['5a6c00000000000001000001/1', 1, 'q1', 'correct', 2],
      ['5a6c00000000000001000001/2', 2, 'q2', 'missed_some', 3],
    ]);
    expect(sink.rows.assessment_options[0]).toEqual({
      question_key: '5a6c00000000000001000001/1',
      attempt_key: '5a6c00000000000001000001',
      position: 1,
      option_id: 'q1-o1',
      checked: true,
      correct: true,
      submitted: true,
      clicked_at: '2018-01-26 20:52:10.250',
    });
  });

  it('loads an attempt without sequences: no question rows, null sequence and counts columns', async () => {
    const doc = attempt();
    delete doc.sequences;
    const { summary, sink } = await flatten(array([doc]));
    expect(summary.rows).toEqual({ assessments: 1, assessment_questions: 0, assessment_options: 0, assessment_rejects: 0 });
    expect(sink.rows.assessments[0]).toMatchObject({ sequence_id: null, attempt: null, question_count: 0, correct: null, total: null, all_correct: null });
  });

  it('loads an attempt without counts (and with "sequences": null) with null counts columns', async () => {
    const noCounts = attempt('5a6c00000000000001000002');
    delete sequencesOf(noCounts).counts;
    const nullSequences = { ...attempt('5a6c00000000000001000003'), sequences: null };
    const { summary, sink } = await flatten(array([noCounts, nullSequences]));
    expect(summary.loaded).toBe(2);
    expect(summary.rows.assessment_questions).toBe(2);
    const [a, b] = sink.rows.assessments;
    expect(a).toMatchObject({ question_count: 2, sequence_id: 'seq-1', correct: null, incorrect: null, unanswered: null, total: null, submitted: null, incomplete: null, all_correct: null });
    expect(b).toMatchObject({ question_count: 0, sequence_id: null, correct: null });
  });

  it('loads map-like sequences holding only questions, and partial counts', async () => {
    const mapLike = attempt('5a6c00000000000001000004');
    mapLike.sequences = { questions: questionsOf(mapLike) };
    const partial = attempt('5a6c00000000000001000005');
    sequencesOf(partial).counts = { total: 2, correct: 1 };
    const { sink } = await flatten(array([mapLike, partial]));
    expect(sink.rows.assessments[0]).toMatchObject({ sequence_id: null, attempt: null, question_count: 2, total: null });
    expect(sink.rows.assessment_questions.filter((q) => q.attempt_key === '5a6c00000000000001000004')).toHaveLength(2);
    expect(sink.rows.assessments[1]).toMatchObject({ total: 2, correct: 1, incorrect: null, all_correct: null });
  });

  it('keeps questions with no options (empty, null or absent options) as questions with option_count 0', async () => {
    const doc = attempt();
    const [q1, q2] = questionsOf(doc) as [Json, Json];
    q1.options = [];
    delete q2.options;
    questionsOf(doc).push({ ...q1, id: 'q3', options: null });
    const { summary, sink } = await flatten(array([doc]));
    expect(summary.rows).toMatchObject({ assessment_questions: 3, assessment_options: 0 });
    expect(sink.rows.assessment_questions.map((q) => q.option_count)).toEqual([0, 0, 0]);
    expect(sink.rows.assessments[0]!.question_count).toBe(3);
  });

  it('loads an empty questions list as an attempt with no question rows', async () => {
    const doc = attempt();
    sequencesOf(doc).questions = [];
    const { sink } = await flatten(array([doc]));
    expect(sink.rows.assessments[0]).toMatchObject({ question_count: 0, sequence_id: 'seq-1', total: 2 });
    expect(sink.rows.assessment_questions).toEqual([]);
  });

  it('writes null for optional option and question fields that are missing', async () => {
    const doc = attempt();
    optionsOf(doc, 0)[0] = { checked: true, id: 'q1-o1' }; // no at, submitted, correct
    optionsOf(doc, 0)[1] = { id: 'q1-o2' }; // not even checked
    const q2 = questionsOf(doc)[1]!;
    delete q2.user_result;
    delete q2.user_incomplete;
    delete doc.keen_created_at;
    delete doc.max_attempts;
    delete doc.certification;
    const { summary, sink } = await flatten(array([doc]));
    expect(summary.loaded).toBe(1);
    expect(sink.rows.assessment_options.slice(0, 2).map((o) => [o.checked, o.correct, o.submitted, o.clicked_at])).toEqual([
      [true, null, null, null],
      [null, null, null, null],
    ]);
    expect(sink.rows.assessment_questions[1]).toMatchObject({ user_result: null, user_incomplete: null, user_correct: false });
    expect(sink.rows.assessments[0]).toMatchObject({ keen_created_at: null, max_attempts: null, certification: null });
  });

  it('loads an exact duplicate document once and counts it as a duplicate (whitespace and format do not matter)', async () => {
    const doc = attempt();
    const text = `${JSON.stringify(doc)}\n${JSON.stringify(attempt('5a6c00000000000001000009'))}\n${JSON.stringify(doc, null, 0).replace(/,/g, ', ')}\n${JSON.stringify(doc)}`;
    const { summary, sink } = await flatten(text);
    expect(summary).toMatchObject({ format: 'json-lines', read: 4, loaded: 2, duplicates: 2, rejected: 0, conflicts: 0, reconciled: true });
    expect(sink.rows.assessments.map((a) => a.attempt_key)).toEqual(['5a6c00000000000001000001', '5a6c00000000000001000009']);
    expect(summary.rows.assessment_questions).toBe(4);
  });

  it('loads a different document under an already used keen_id with a disambiguated key keen_id~n', async () => {
    const first = attempt();
    const second = attempt();
    second.exam_name = 'Learning Git (retake)';
    const third = attempt();
    questionsOf(third).pop();
    const { summary, sink } = await flatten(array([first, second, third, second, first]));
    expect(summary).toMatchObject({ read: 5, loaded: 3, duplicates: 2, conflicts: 2, rejected: 0, reconciled: true });
    expect(sink.rows.assessments.map((a) => [a.attempt_key, a.keen_id, a.exam_name, a.question_count])).toEqual([
      ['5a6c00000000000001000001', '5a6c00000000000001000001', 'Learning Git', 2],
      ['5a6c00000000000001000001~2', '5a6c00000000000001000001', 'Learning Git (retake)', 2],
      ['5a6c00000000000001000001~3', '5a6c00000000000001000001', 'Learning Git', 1],
    ]);
    expect(new Set(sink.rows.assessment_questions.map((q) => q.question_key)).size).toBe(5);
    expect(sink.rows.assessment_options.filter((o) => o.attempt_key === '5a6c00000000000001000001~2').map((o) => o.question_key)).toContain('5a6c00000000000001000001~2/2');
  });

  it('rejects documents that are not objects, with their text', async () => {
    const { summary, sink } = await flatten(array([42, 'an attempt', null, [attempt()], true, attempt()]));
    expect(summary).toMatchObject({ read: 6, loaded: 1, rejected: 5, reconciled: true, rejectCodes: { not_an_object: 5 } });
    expect(sink.rows.assessment_rejects.map((r) => [r.source_index, r.reason_code, r.raw, r.keen_id])).toEqual([
      [0, 'not_an_object', '42', null],
      [1, 'not_an_object', '"an attempt"', null],
      [2, 'not_an_object', 'null', null],
      [3, 'not_an_object', JSON.stringify([attempt()]), null],
      [4, 'not_an_object', 'true', null],
    ]);
    expect(sink.rows.assessment_rejects[3]!.reason).toBe('document is an array, not an object');
  });

  it('rejects documents missing a required field, naming it', async () => {
    const noId = attempt();
    delete noId.keen_id;
    const noStart = attempt('5a6c00000000000001000011');
    delete noStart.started_at;
    const noOptionId = attempt('5a6c00000000000001000012');
    delete optionsOf(noOptionId, 1)[2]!.id;
    const { summary, sink } = await flatten(array([noId, noStart, noOptionId]));
    expect(summary).toMatchObject({ read: 3, loaded: 0, rejected: 3, rejectCodes: { missing_field: 3 } });
    expect(summary.rows.assessments + summary.rows.assessment_questions + summary.rows.assessment_options).toBe(0);
    expect(sink.rows.assessment_rejects.map((r) => [r.keen_id, r.reason])).toEqual([
      [null, 'keen_id: missing'],
      ['5a6c00000000000001000011', 'started_at: missing'],
      ['5a6c00000000000001000012', 'sequences.questions[1].options[2].id: missing'],
    ]);
    expect(JSON.parse(sink.rows.assessment_rejects[1]!.raw)).toEqual(noStart);
  });

  it('rejects the whole document when a value has the wrong type or is out of range', async () => {
    const cases: [string, (d: Json) => void, string, string][] = [
      ['keen_id', (d) => (d.keen_id = 42), 'invalid_type', 'keen_id: expected string, received number'],
      ['checked', (d) => (optionsOf(d, 0)[1]!.checked = 'yes'), 'invalid_type', 'sequences.questions[0].options[1].checked: expected boolean, received string'],
      ['questions', (d) => (sequencesOf(d).questions = 'none'), 'invalid_type', 'sequences.questions: expected array, received string'],
      ['sequences', (d) => (d.sequences = [1]), 'invalid_type', 'sequences: expected object, received array'],
      ['counts', (d) => ((sequencesOf(d).counts as Json).total = '2'), 'invalid_type', 'sequences.counts.total: expected number, received string'],
      ['keen_timestamp', (d) => (d.keen_timestamp = true), 'invalid_type', 'keen_timestamp: expected string or number, received boolean'],
      ['started_at', (d) => (d.started_at = '2018-02-30T10:00:00Z'), 'invalid_value', 'started_at: not an ISO-8601 time: "2018-02-30T10:00:00Z"'],
      ['at', (d) => (optionsOf(d, 1)[1]!.at = 'yesterday'), 'invalid_value', 'sequences.questions[1].options[1].at: not an ISO-8601 time: "yesterday"'],
      ['max_attempts', (d) => (d.max_attempts = '1.5'), 'invalid_value', 'max_attempts: not a whole number: "1.5"'],
      ['certification', (d) => (d.certification = 'maybe'), 'invalid_value', 'certification: not "true" or "false": "maybe"'],
      ['submitted', (d) => (optionsOf(d, 0)[0]!.submitted = 2), 'invalid_value', 'sequences.questions[0].options[0].submitted: not 0 or 1: 2'],
      ['exam_name', (d) => (d.exam_name = ''), 'invalid_value', 'exam_name: Too small: expected string to have >=1 characters'],
      ['keen_id length', (d) => (d.keen_id = 'x'.repeat(65)), 'invalid_value', 'keen_id: Too big: expected string to have <=64 characters'],
      ['exam_name bytes', (d) => (d.exam_name = '\u00e9'.repeat(600)), 'invalid_value', 'exam_name: longer than 1024 UTF-8 bytes'],
    ];
    const docs = cases.map(([, mutate], i) => {
      const d = attempt(`5a6c000000000000010001${String(i).padStart(2, '0')}`);
      mutate(d);
      return d;
    });
    const { summary, sink } = await flatten(array([...docs, attempt()]));
    expect(summary).toMatchObject({ read: cases.length + 1, loaded: 1, rejected: cases.length, reconciled: true });
    expect(summary.rows).toEqual({ assessments: 1, assessment_questions: 2, assessment_options: 5, assessment_rejects: cases.length });
    expect(sink.rows.assessment_rejects.map((r) => [r.reason_code, r.reason])).toEqual(cases.map(([, , code, reason]) => [code, reason]));
  });

  it('rejects JSON lines that are not JSON with the line as read, and skips blank lines', async () => {
    const text = `${JSON.stringify(attempt())}\n\n{"keen_id": "5a6c0000000000000100ffff", "exam_name": \n   \r\n${JSON.stringify(attempt('5a6c00000000000001000002'))}\r\nnot json at all\n`;
    const { summary, sink } = await flatten(text);
    expect(summary).toMatchObject({ format: 'json-lines', read: 4, loaded: 2, rejected: 2, rejectCodes: { invalid_json: 2 }, reconciled: true });
    expect(sink.rows.assessment_rejects.map((r) => [r.source_index, r.raw, r.keen_id])).toEqual([
      [1, '{"keen_id": "5a6c0000000000000100ffff", "exam_name": ', null],
      [3, 'not json at all', null],
    ]);
    expect(sink.rows.assessment_rejects[0]!.reason).toMatch(/^not JSON: /);
  });

  it('rejects a JSON line that is not UTF-8 as invalid_utf8, U+FFFD in its raw text, and reads the lines after it', async () => {
    const bad = Buffer.from(JSON.stringify({ ...attempt('5a6c00000000000001000002'), exam_name: 'Learning GXt' }).replace('GXt', 'G\xfft'), 'latin1');
    const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(attempt())}\n`), bad, Buffer.from(`\r\n${JSON.stringify(attempt('5a6c00000000000001000003'))}\n`)]);

    const sink = arraySink();
    const summary = await flattenAssessments(Readable.from([bytes]), sink);

    expect(summary).toMatchObject({ read: 3, loaded: 2, rejected: 1, rejectCodes: { invalid_utf8: 1 }, reconciled: true });
    expect(sink.rows.assessments.map((a) => a.exam_name)).toEqual(['Learning Git', 'Learning Git']);
    expect(sink.rows.assessment_rejects).toEqual([
      {
        source_index: 1,
        keen_id: null,
        reason_code: 'invalid_utf8',
        reason: expect.stringMatching(/^not valid UTF-8/),
        raw: bad.toString('utf8'),
        raw_truncated: false,
      },
    ]);
    expect(sink.rows.assessment_rejects[0]!.raw).toContain('G\ufffdt');
  });

  it('reads a character split across chunks as that character in JSON lines and in a JSON array', async () => {
    for (const text of [lines([{ ...attempt(), exam_name: 'Café' }]), array([{ ...attempt(), exam_name: 'Café' }])]) {
      const bytes = Buffer.from(text);
      const cut = bytes.indexOf(Buffer.from('é')) + 1;
      const sink = arraySink();
      const summary = await flattenAssessments(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), sink);
      expect(summary).toMatchObject({ loaded: 1, rejected: 0 });
      expect(sink.rows.assessments[0]!.exam_name).toBe('Café');
    }
  });

  it('stops with AssessmentsInputError, never loading U+FFFD, when a JSON array holds bytes that are not UTF-8', async () => {
    const bytes = Buffer.from(array([attempt(), { ...attempt('5a6c00000000000001000002'), exam_name: 'G\xfft' }]), 'latin1');
    const sink = arraySink();

    const error = await flattenAssessments(Readable.from([bytes]), sink).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AssessmentsInputError);
    expect((error as Error).message).toBe(`cannot read the assessments input after 0 documents: not valid UTF-8 before byte ${bytes.length}`);
    expect(sink.rows.assessments).toEqual([]);
  });

  it('names the input given as `source` in its AssessmentsInputError', async () => {
    const truncated = gzipSync(Buffer.from(lines([attempt()]))).subarray(0, 30);

    const error = await flattenAssessments(Readable.from([truncated]), arraySink(), { source: 's3://landing/assessments/cut.jsonl.gz' }).catch((e: unknown) => e);

    expect((error as Error).message).toBe('cannot read s3://landing/assessments/cut.jsonl.gz after 0 documents: unexpected end of file');
  });

  it('keeps at most 65,535 UTF-8 bytes of a rejected document, without splitting a character', async () => {
    const doc = { ...attempt(), keen_id: 7, exam_name: 'é'.repeat(40_000) };
    const { sink } = await flatten(array([doc]));
    const reject = sink.rows.assessment_rejects[0]!;
    expect(reject.raw_truncated).toBe(true);
    expect(Buffer.byteLength(reject.raw)).toBeLessThanOrEqual(65_535);
    expect(Buffer.byteLength(reject.raw)).toBeGreaterThan(65_530);
    expect(reject.raw.includes('\ufffd')).toBe(false);
    expect(JSON.stringify(doc).startsWith(reject.raw)).toBe(true);
    const { sink: small } = await flatten(array([doc]), { maxRawBytes: 100 });
    expect(Buffer.byteLength(small.rows.assessment_rejects[0]!.raw)).toBeLessThanOrEqual(100);
  });

  it('reconciles a mix of every case: read = loaded + duplicates + rejected', async () => {
    const noSequences = attempt('5a6c00000000000001000002');
    delete noSequences.sequences;
    const conflicting = { ...attempt(), exam_name: 'Other' };
    const noId = attempt();
    delete noId.keen_id;
    const text = [JSON.stringify(attempt()), JSON.stringify(noSequences), JSON.stringify(attempt()), JSON.stringify(conflicting), '42', '{oops', JSON.stringify(noId)].join('\n');
    const { summary } = await flatten(text);
    expect(summary).toEqual({
      format: 'json-lines',
      gzip: false,
      read: 7,
      loaded: 3,
      duplicates: 1,
      rejected: 3,
      conflicts: 1,
      rows: { assessments: 3, assessment_questions: 4, assessment_options: 10, assessment_rejects: 3 },
      rejectCodes: { not_an_object: 1, invalid_json: 1, missing_field: 1 },
      reconciled: true,
    });
    expect(summary.read).toBe(summary.loaded + summary.duplicates + summary.rejected);
  });

  it('stops with AssessmentsInputError, carrying what was read and sent, when a JSON array is broken', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => JSON.stringify(attempt(`5a6c0000000000000100${String(i).padStart(4, '0')}`)));
    const chunks = ['[', ...docs.map((d, i) => (i === 0 ? d : `,${d}`)), ',{"keen_id": "x", oops}]'].map((c) => Buffer.from(c));
    const sink = arraySink();
    const error = await flattenAssessments(Readable.from(chunks), sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssessmentsInputError);
    expect((error as Error).message).toMatch(/^cannot read the assessments input after \d+ documents: /);
    const summary = (error as AssessmentsInputError).summary;
    expect(summary).toMatchObject({ format: 'json-array', rejected: 0, reconciled: true });
    expect(summary.read).toBeGreaterThan(0);
    expect(summary.read).toBeLessThanOrEqual(200);
    expect(sink.rows.assessments).toHaveLength(summary.loaded);
  });

  it('stops with AssessmentsInputError when gzip data is corrupt', async () => {
    const error = await flattenAssessments(Readable.from([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9])]), arraySink()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssessmentsInputError);
    expect((error as AssessmentsInputError).summary).toMatchObject({ gzip: true, read: 0 });
  });

  it('reads empty inputs as zero documents', async () => {
    for (const text of ['', '   \n', '[]', ' [ ] ']) {
      const { summary } = await flatten(text);
      expect(summary).toMatchObject({ read: 0, loaded: 0, rejected: 0, reconciled: true });
    }
  });
});
