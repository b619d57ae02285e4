// The flattener on real and generated data: the real first record, a generated file whose row counts
// and aggregates are recomputed here from the raw JSON, the same file as JSON lines / gzip / with a
// BOM, rows matching ASSESSMENT_TABLES, keys that join, and the gzip JSON-lines sink read back.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAssessments, type AssessmentsSampleSummary } from '../../../../lib/generators/assessments.ts';
import { flattenAssessments, type FlattenSummary } from '../../../../lambdas/core/assessments/flatten.ts';
import { arraySink, jsonLinesSink, type ArraySink } from '../../../../lambdas/core/assessments/sinks.ts';
import { ASSESSMENT_TABLE_NAMES, ASSESSMENT_TABLES, type AssessmentRow, type AssessmentTable } from '../../../../lambdas/core/assessments/tables.ts';

const REAL = fileURLToPath(new URL('../../../../../shared/data/assessments', import.meta.url));
const REAL_FIRST = join(REAL, 'first-record.json');
const REAL_LAST = join(REAL, 'last-two-records.jsonl');
const FIRST_NOTE = existsSync(REAL_FIRST) ? '' : ' [skipped: ../shared/data/assessments/first-record.json is absent]';
const LAST_NOTE = existsSync(REAL_LAST) ? '' : ' [skipped: ../shared/data/assessments/last-two-records.jsonl is absent]';

interface RawOption {
  checked?: boolean;
}
interface RawQuestion {
  user_result?: string;
  options?: RawOption[];
}
interface RawAttempt {
  keen_id: string;
  exam_name: string;
  sequences?: { questions: RawQuestion[]; counts?: { correct: number } };
}

const tmpRoots: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'assessments-flat-'));
  tmpRoots.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

async function flattenBuffer(bytes: Buffer): Promise<{ summary: FlattenSummary; sink: ArraySink }> {
  const sink = arraySink();
  // several chunks, so that sniffing and parsing cross chunk boundaries
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
  const summary = await flattenAssessments(Readable.from(chunks), sink);
  return { summary, sink };
}

describe('flattenAssessments on the real records', () => {
  it.skipIf(FIRST_NOTE !== '')(`flattens the real first record to exactly 1 attempt, 4 questions and 14 options${FIRST_NOTE}`, async () => {
    const sink = arraySink();
    const summary = await flattenAssessments(createReadStream(REAL_FIRST), sink);
    expect(summary).toMatchObject({ read: 1, loaded: 1, duplicates: 0, rejected: 0, reconciled: true });
    expect(summary.rows).toEqual({ assessments: 1, assessment_questions: 4, assessment_options: 14, assessment_rejects: 0 });
    const raw = JSON.parse(readFileSync(REAL_FIRST, 'utf8')) as RawAttempt & { keen_timestamp: string; started_at: string };
    const row = sink.rows.assessments[0]!;
    expect(row.attempt_key).toBe(raw.keen_id);
    expect(row.exam_name).toBe(raw.exam_name);
    expect(row.keen_timestamp).toBe(`${new Date(Math.floor(Number(raw.keen_timestamp)) * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${raw.keen_timestamp.split('.')[1]!.padEnd(6, '0')}`);
    expect(row.started_at).toBe(raw.started_at.replace('T', ' ').replace('Z', ''));
    expect(row.question_count).toBe(4);
    expect(row.correct).toBe(raw.sequences!.counts!.correct);
    expect(sink.rows.assessment_questions.map((q) => q.option_count)).toEqual(raw.sequences!.questions.map((q) => q.options!.length));
    expect(sink.rows.assessment_options.filter((o) => o.checked).length).toBe(raw.sequences!.questions.flatMap((q) => q.options!).filter((o) => o.checked).length);
  });

  it.skipIf(LAST_NOTE !== '')(`flattens the real last two records (JSON lines) to the attempts, questions and options they hold${LAST_NOTE}`, async () => {
    const raw = readFileSync(REAL_LAST, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as RawAttempt);
    const sink = arraySink();
    const summary = await flattenAssessments(createReadStream(REAL_LAST), sink);
    const questions = raw.flatMap((d) => d.sequences!.questions);
    expect(summary).toMatchObject({ format: 'json-lines', read: 2, loaded: 2, rejected: 0 });
    expect(summary.rows).toEqual({
      assessments: raw.length,
      assessment_questions: questions.length,
      assessment_options: questions.flatMap((q) => q.options!).length,
      assessment_rejects: 0,
    });
  });
});

describe('flattenAssessments on a generated file', () => {
  let generated: AssessmentsSampleSummary;
  let fileBytes: Buffer;
  let raw: RawAttempt[];
  let summary: FlattenSummary;
  let rows: { [T in AssessmentTable]: AssessmentRow<T>[] };
  let outDir: string;

  beforeAll(async () => {
    generated = await generateAssessments({ outDir: tempDir(), attempts: 1500, seed: 11 });
    fileBytes = readFileSync(generated.file);
    raw = JSON.parse(fileBytes.toString('utf8')) as RawAttempt[];
    outDir = tempDir();
    const sink = jsonLinesSink(outDir);
    summary = await flattenAssessments(createReadStream(generated.file), sink);
    const files = await sink.close();
    rows = Object.fromEntries(
      ASSESSMENT_TABLE_NAMES.map((t) => {
        const text = gunzipSync(readFileSync(files[t].file)).toString('utf8');
        expect(files[t].bytes).toBe(Buffer.byteLength(text));
        return [t, text === '' ? [] : text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)];
      }),
    ) as typeof rows;
  });

  it('gives every table the row count, and the aggregates, computed from the raw JSON', () => {
    // distinct documents: the generator's duplicates repeat a document byte for byte
    const distinct = [...new Map(raw.map((d) => [JSON.stringify(d), d])).values()];
    const questions = distinct.flatMap((d) => d.sequences?.questions ?? []);
    const options = questions.flatMap((q) => q.options ?? []);
    expect(summary).toMatchObject({ format: 'json-array', gzip: false, read: raw.length, loaded: distinct.length, duplicates: raw.length - distinct.length, rejected: 0, conflicts: 0, reconciled: true });
    expect(summary.duplicates).toBe(generated.duplicates);
    expect(summary.rows).toEqual({ assessments: distinct.length, assessment_questions: questions.length, assessment_options: options.length, assessment_rejects: 0 });
    for (const t of ASSESSMENT_TABLE_NAMES) expect(rows[t], t).toHaveLength(summary.rows[t]);

    expect(rows.assessment_options.filter((o) => o.checked === true).length).toBe(options.filter((o) => o.checked === true).length);
    expect(new Set(rows.assessments.map((a) => a.exam_name)).size).toBe(new Set(distinct.map((d) => d.exam_name)).size);
    const top = (names: string[]): [string, number] => {
      const per = new Map<string, number>();
      for (const n of names) per.set(n, (per.get(n) ?? 0) + 1);
      return [...per].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    };
    expect(top(rows.assessments.map((a) => a.exam_name))).toEqual(top(distinct.map((d) => d.exam_name)));
    expect(rows.assessments.reduce((n, a) => n + (a.correct ?? 0), 0)).toBe(distinct.reduce((n, d) => n + (d.sequences?.counts?.correct ?? 0), 0));
    expect(rows.assessments.filter((a) => a.total === null).length).toBe(distinct.filter((d) => d.sequences?.counts === undefined).length);
    expect(rows.assessment_questions.filter((q) => q.user_result === null).length).toBe(questions.filter((q) => q.user_result === undefined).length);
    expect(rows.assessment_questions.filter((q) => q.option_count === 0).length).toBe(questions.filter((q) => (q.options ?? []).length === 0).length);
  });

  it('writes rows with exactly the columns of ASSESSMENT_TABLES, in order, with values of the declared types', () => {
    const timestamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
    const problems: string[] = [];
    for (const t of ASSESSMENT_TABLE_NAMES) {
      const columns = ASSESSMENT_TABLES[t];
      const names = columns.map((c) => c.name).join();
      for (const row of rows[t] as Record<string, unknown>[]) {
        if (Object.keys(row).join() !== names) problems.push(`${t}: keys ${Object.keys(row).join()}`);
        for (const c of columns) {
          const v = row[c.name];
          const fits =
            v === null
              ? c.nullable
              : c.type === 'BOOLEAN'
                ? typeof v === 'boolean'
                : c.type === 'INTEGER'
                  ? Number.isInteger(v)
                  : c.type === 'TIMESTAMP'
                    ? timestamp.test(v as string)
                    : typeof v === 'string' && Buffer.byteLength(v) <= Number(/\d+/.exec(c.type)![0]);
          if (!fits) problems.push(`${t}.${c.name} ${c.type}: ${JSON.stringify(v)}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('gives keys that join: unique attempt and question keys, every child pointing to an existing parent', () => {
    const attempts = new Set(rows.assessments.map((a) => a.attempt_key));
    expect(attempts.size).toBe(rows.assessments.length);
    const questions = new Map(rows.assessment_questions.map((q) => [q.question_key, q]));
    expect(questions.size).toBe(rows.assessment_questions.length);
    expect(rows.assessment_questions.filter((q) => !attempts.has(q.attempt_key))).toEqual([]);
    expect(rows.assessment_options.filter((o) => questions.get(o.question_key)?.attempt_key !== o.attempt_key)).toEqual([]);
    const optionsPerQuestion = new Map<string, number>();
    for (const o of rows.assessment_options) optionsPerQuestion.set(o.question_key, (optionsPerQuestion.get(o.question_key) ?? 0) + 1);
    expect(rows.assessment_questions.filter((q) => (optionsPerQuestion.get(q.question_key) ?? 0) !== q.option_count)).toEqual([]);
    const questionsPerAttempt = new Map<string, number>();
    for (const q of rows.assessment_questions) questionsPerAttempt.set(q.attempt_key, (questionsPerAttempt.get(q.attempt_key) ?? 0) + 1);
    expect(rows.assessments.filter((a) => (questionsPerAttempt.get(a.attempt_key) ?? 0) !== a.question_count)).toEqual([]);
  });

  it('reads the same rows from JSON lines, from gzip, and despite a BOM and leading whitespace', async () => {
    const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    const { summary: base, sink } = await flattenBuffer(fileBytes);
    expect(digest(sink.rows)).toBe(digest(rows));
    const lines = Buffer.from(raw.map((d) => JSON.stringify(d)).join('\n'));
    const variants: [string, Buffer, Partial<FlattenSummary>][] = [
      ['json lines', lines, { format: 'json-lines', gzip: false }],
      ['gzip array', gzipSync(fileBytes), { format: 'json-array', gzip: true }],
      ['gzip lines', gzipSync(lines), { format: 'json-lines', gzip: true }],
      ['bom + whitespace', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n\t'), fileBytes]), { format: 'json-array', gzip: false }],
    ];
    for (const [name, bytes, expected] of variants) {
      const other = await flattenBuffer(bytes);
      expect(other.summary, name).toEqual({ ...base, ...expected });
      expect(digest(other.sink.rows), name).toBe(digest(sink.rows));
    }
  });

  it('writes one gzip JSON-lines file per table, empty tables included', () => {
    for (const t of ASSESSMENT_TABLE_NAMES) expect(existsSync(join(outDir, `${t}.jsonl.gz`)), t).toBe(true);
    expect(rows.assessment_rejects).toEqual([]);
  });
});
