// Tests of the assessments sample generator: reproducibility, the real file's shape (checked against
// the real records in ../shared/data/assessments when present), internal consistency of each attempt,
// the irregularities and their rates, exam popularity, and chunked (streaming) output.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assessmentsFileChunks,
  DEFAULT_ASSESSMENTS_FILE,
  generateAssessments,
  type AssessmentsSampleSummary,
  type AssessmentsTextStats,
} from '../../../lib/generators/assessments.ts';

const REAL = fileURLToPath(new URL('../../../../shared/data/assessments', import.meta.url));
const REAL_FIRST = join(REAL, 'first-record.json');
const REAL_LAST = join(REAL, 'last-two-records.jsonl');
const HAS_REAL = existsSync(REAL_FIRST) && existsSync(REAL_LAST);
const REAL_NOTE = HAS_REAL ? '' : ' [skipped: ../shared/data/assessments/first-record.json or last-two-records.jsonl is absent]';

type Json = Record<string, unknown>;
interface Option {
  checked: boolean;
  at?: string;
  id: string;
  submitted?: number;
  correct?: boolean;
}
interface Question {
  user_incomplete: boolean;
  user_correct: boolean;
  options: Option[];
  user_submitted: boolean;
  id: string;
  user_result?: string;
}
interface Counts {
  incomplete: number;
  submitted: number;
  incorrect: number;
  all_correct: boolean;
  correct: number;
  total: number;
  unanswered: number;
}
interface Attempt {
  keen_timestamp: string;
  max_attempts: string;
  started_at: string;
  base_exam_id: string;
  user_exam_id: string;
  sequences?: { questions: Question[]; attempt?: number; id?: string; counts?: Counts };
  keen_created_at: string;
  certification: string;
  keen_id: string;
  exam_name: string;
}

const TOP_KEYS = ['keen_timestamp', 'max_attempts', 'started_at', 'base_exam_id', 'user_exam_id', 'sequences', 'keen_created_at', 'certification', 'keen_id', 'exam_name'];
const SEQUENCES_KEYS = ['questions', 'attempt', 'id', 'counts'];
const COUNTS_KEYS = ['incomplete', 'submitted', 'incorrect', 'all_correct', 'correct', 'total', 'unanswered'];
const QUESTION_KEYS = ['user_incomplete', 'user_correct', 'options', 'user_submitted', 'id', 'user_result'];
// the two key orders options have in the real records; every option's keys are one of them with some keys left out
const OPTION_ORDERS = [
  ['checked', 'at', 'id', 'submitted', 'correct'],
  ['checked', 'correct', 'id'],
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[14][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True when `keys` appear in `order`'s order (some of `order` may be missing). */
function isSubsequence(keys: readonly string[], order: readonly string[]): boolean {
  let i = 0;
  for (const key of keys) {
    while (i < order.length && order[i] !== key) i++;
    if (i === order.length) return false;
    i++;
  }
  return true;
}

/** Checks one attempt document against the real file's shape; returns what is wrong (empty when fine). */
function shapeProblems(doc: Json): string[] {
  const problems: string[] = [];
  const d = doc as unknown as Attempt;
  const keys = Object.keys(doc);
  if (!isSubsequence(keys, TOP_KEYS) || keys.length < TOP_KEYS.length - 1 || (keys.length === TOP_KEYS.length - 1 && keys.includes('sequences'))) problems.push(`top keys ${keys}`);
  if (!/^\d{10}\.\d{1,7}$/.test(d.keen_timestamp)) problems.push(`keen_timestamp ${d.keen_timestamp}`);
  if (!/^[0-9a-f]{24}$/.test(d.keen_id) || parseInt(d.keen_id.slice(0, 8), 16) !== Math.floor(Number(d.keen_timestamp))) problems.push(`keen_id ${d.keen_id}`);
  if (!ISO_MS.test(d.started_at)) problems.push(`started_at ${d.started_at}`);
  if (!/^\d\.0$/.test(d.max_attempts)) problems.push(`max_attempts ${d.max_attempts}`);
  if (d.certification !== 'false' && d.certification !== 'true') problems.push(`certification ${d.certification}`);
  if (!UUID.test(d.base_exam_id) || !UUID.test(d.user_exam_id)) problems.push('exam ids');
  if (typeof d.exam_name !== 'string' || d.exam_name === '') problems.push('exam_name');
  const s = d.sequences;
  if (s === undefined) return problems;
  if (!isSubsequence(Object.keys(s), SEQUENCES_KEYS) || !Array.isArray(s.questions)) problems.push(`sequences keys ${Object.keys(s)}`);
  if (s.counts !== undefined && Object.keys(s.counts).join() !== COUNTS_KEYS.join()) problems.push(`counts keys ${Object.keys(s.counts)}`);
  for (const q of s.questions) {
    const qk = Object.keys(q);
    if (!isSubsequence(qk, QUESTION_KEYS) || qk.length < QUESTION_KEYS.length - 1) problems.push(`question keys ${qk}`);
    if (!UUID.test(q.id)) problems.push(`question id ${q.id}`);
    for (const o of q.options) {
      const ok = Object.keys(o);
      if (!OPTION_ORDERS.some((order) => isSubsequence(ok, order)) || !ok.includes('checked') || !ok.includes('id')) problems.push(`option keys ${ok}`);
      if (o.at !== undefined && !ISO_MS.test(o.at)) problems.push(`option at ${o.at}`);
      if (o.submitted !== undefined && o.submitted !== 1) problems.push(`submitted ${o.submitted}`);
      if (o.correct !== undefined && o.correct !== true) problems.push(`correct ${o.correct}`);
    }
  }
  return problems;
}

const tmpRoots: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'assessments-gen-'));
  tmpRoots.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('generateAssessments', () => {
  const ATTEMPTS = 3280;
  let summary: AssessmentsSampleSummary;
  let text: string;
  let docs: Attempt[];
  let withSequences: Attempt[];
  let questions: Question[];

  beforeAll(async () => {
    summary = await generateAssessments({ outDir: tempDir(), attempts: ATTEMPTS });
    text = readFileSync(summary.file, 'utf8');
    docs = JSON.parse(text) as Attempt[];
    withSequences = docs.filter((d) => d.sequences !== undefined);
    questions = withSequences.flatMap((d) => d.sequences!.questions);
  });

  it('writes <outDir>/assessments/<fileName>, one compact JSON array as the real file, ASCII only', () => {
    expect(summary.file.endsWith(join('assessments', DEFAULT_ASSESSMENTS_FILE))).toBe(true);
    expect(Array.isArray(docs)).toBe(true);
    expect(docs).toHaveLength(ATTEMPTS);
    expect(text.startsWith('[{"keen_timestamp":"')).toBe(true);
    expect(text.endsWith('}]')).toBe(true);
    expect(text.includes('\n')).toBe(false);
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(summary.bytes).toBe(Buffer.byteLength(text));
  });

  it('is reproducible: same options give the same bytes and summary, another seed other data', async () => {
    const a = await generateAssessments({ outDir: tempDir(), attempts: 400, seed: 42, fileName: 'a.json' });
    const b = await generateAssessments({ outDir: tempDir(), attempts: 400, seed: 42, fileName: 'a.json' });
    const c = await generateAssessments({ outDir: tempDir(), attempts: 400, seed: 43, fileName: 'a.json' });
    expect(sha256(b.file)).toBe(sha256(a.file));
    expect({ ...b, file: '' }).toEqual({ ...a, file: '' });
    expect(sha256(c.file)).not.toBe(sha256(a.file));
  });

  it('returns true counts in the summary', () => {
    const options = questions.flatMap((q) => q.options);
    const expected: AssessmentsTextStats = {
      attempts: docs.length,
      distinctKeenIds: new Set(docs.map((d) => d.keen_id)).size,
      duplicates: docs.length - new Set(docs.map((d) => d.keen_id)).size,
      questions: questions.length,
      options: options.length,
      checkedOptions: options.filter((o) => o.checked).length,
      exams: new Set(docs.map((d) => d.exam_name)).size,
      users: summary.users,
      withoutSequences: docs.length - withSequences.length,
      withoutCounts: withSequences.filter((d) => d.sequences!.counts === undefined).length,
      mapLikeSequences: withSequences.filter((d) => Object.keys(d.sequences!).join() === 'questions').length,
      emptyQuestionLists: withSequences.filter((d) => d.sequences!.questions.length === 0).length,
      questionsWithoutOptions: questions.filter((q) => q.options.length === 0).length,
    };
    const { file, bytes, ...stats } = summary;
    expect(file).toBeTruthy();
    expect(bytes).toBeGreaterThan(0);
    expect(stats).toEqual(expected);
  });

  it('gives every document the real field names, key order, nesting and value formats', () => {
    const problems = docs.flatMap((d, i) => shapeProblems(d as unknown as Json).map((p) => `#${i}: ${p}`));
    expect(problems.slice(0, 10)).toEqual([]);
    for (const d of docs) expect(d.keen_created_at).toBe(d.keen_timestamp);
    // like Python's repr of time.time(): mostly 7 fraction digits, some 6
    const digits = new Set(docs.map((d) => d.keen_timestamp.split('.')[1]!.length));
    expect(digits.has(7) && digits.has(6)).toBe(true);
    // option variants seen in the real records
    const options = questions.flatMap((q) => q.options.map((o) => Object.keys(o).join()));
    for (const variant of ['checked,at,id,submitted,correct', 'checked,correct,id', 'checked,id', 'checked,at,id,submitted', 'checked,at,id']) {
      expect(options, variant).toContain(variant);
    }
  });

  it.skipIf(!HAS_REAL)(`uses the shape checks that the real records pass${REAL_NOTE}`, () => {
    const real = [readFileSync(REAL_FIRST, 'utf8'), ...readFileSync(REAL_LAST, 'utf8').split('\n').filter((l) => l !== '')].map((t) => JSON.parse(t) as Json);
    expect(real).toHaveLength(3);
    for (const r of real) expect(shapeProblems(r)).toEqual([]);
    // same text skeleton as the real first record (values replaced, option and counts objects folded)
    const skeleton = (t: string): string =>
      t
        .replace(/"(?:[^"\\]|\\.)*"/g, 'S')
        .replace(/\d+(\.\d+)?/g, 'N')
        .replace(/true|false/g, 'B')
        .replace(/\{[^{}]*\}/g, '{}')
        .replace(/\{\}(,\{\})*/g, '{}');
    const like = docs.find(
      (d) => d.sequences?.counts !== undefined && d.sequences.questions.length === 4 && d.sequences.questions.every((q) => q.user_result !== undefined && q.options.length > 0),
    )!;
    expect(skeleton(JSON.stringify(like))).toBe(skeleton(readFileSync(REAL_FIRST, 'utf8').trim()));
  });

  it('keeps each attempt consistent: counts add up, options match the user result, times are ordered', () => {
    for (const d of withSequences) {
      const s = d.sequences!;
      const start = Date.parse(d.started_at);
      const end = Number(d.keen_timestamp) * 1000;
      expect(start).toBeLessThan(end);
      for (const q of s.questions) {
        for (const o of q.options.filter((x) => x.at !== undefined)) {
          expect(Date.parse(o.at!)).toBeGreaterThanOrEqual(start);
          expect(Date.parse(o.at!)).toBeLessThanOrEqual(end);
        }
        const checkedWrong = q.options.some((o) => o.checked && o.correct !== true);
        const missed = q.options.some((o) => !o.checked && o.correct === true);
        const any = q.options.some((o) => o.checked);
        if (!any) expect([q.user_submitted, q.user_result]).toEqual([false, undefined]);
        else if (checkedWrong) expect([q.user_result, q.user_correct, q.user_incomplete]).toEqual(['incorrect', false, false]);
        else if (missed) expect([q.user_result, q.user_correct, q.user_incomplete]).toEqual(['missed_some', false, true]);
        else expect([q.user_result, q.user_correct, q.user_incomplete]).toEqual(['correct', true, false]);
      }
      if (s.counts === undefined || s.questions.length === 0) continue;
      const by = (r: string | undefined): number => s.questions.filter((q) => q.user_result === r).length;
      expect(s.counts).toEqual({
        incomplete: by('missed_some'),
        submitted: s.questions.filter((q) => q.user_submitted).length,
        incorrect: by('incorrect'),
        all_correct: by('correct') === s.questions.length,
        correct: by('correct'),
        total: s.questions.length,
        unanswered: s.questions.filter((q) => !q.user_submitted).length,
      });
    }
  });

  it('has the irregularities of the real data at realistic rates', () => {
    const n = docs.length;
    const rate = (k: number): number => k / n;
    expect(summary.withoutSequences).toBeGreaterThanOrEqual(1);
    expect(rate(summary.withoutSequences)).toBeLessThan(0.01);
    expect(summary.withoutCounts).toBeGreaterThanOrEqual(1);
    expect(rate(summary.withoutCounts)).toBeLessThan(0.04);
    expect(summary.mapLikeSequences).toBeGreaterThanOrEqual(1);
    expect(summary.emptyQuestionLists).toBeGreaterThanOrEqual(1);
    expect(summary.questionsWithoutOptions).toBeGreaterThanOrEqual(1);
    expect(summary.questionsWithoutOptions / summary.questions).toBeLessThan(0.02);
    // duplicates: the same attempt emitted twice, byte for byte, a few documents apart
    const byId = new Map<string, string[]>();
    for (const d of docs) byId.set(d.keen_id, [...(byId.get(d.keen_id) ?? []), JSON.stringify(d)]);
    const repeated = [...byId.values()].filter((v) => v.length > 1);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    expect(rate(summary.duplicates)).toBeLessThan(0.03);
    for (const texts of repeated) expect(new Set(texts).size).toBe(1);
    // optional option fields: checked options without at or without submitted, unchecked ones with at
    const options = questions.flatMap((q) => q.options);
    expect(options.some((o) => o.checked && o.at === undefined)).toBe(true);
    expect(options.some((o) => o.checked && o.submitted === undefined)).toBe(true);
    expect(options.some((o) => !o.checked && o.at !== undefined)).toBe(true);
    expect(questions.some((q) => q.user_result === undefined)).toBe(true);
    // not in time order: roughly newest first, with local disorder
    const ts = docs.map((d) => Number(d.keen_timestamp));
    expect(ts[0]!).toBeGreaterThan(ts[n - 1]!);
    expect(ts.some((t, i) => i > 0 && t > ts[i - 1]!)).toBe(true);
  });

  it('has ~100 exams with a skewed popularity, and users taking several exams', () => {
    const perExam = new Map<string, number>();
    for (const d of docs) perExam.set(d.exam_name, (perExam.get(d.exam_name) ?? 0) + 1);
    expect(perExam.size).toBeGreaterThanOrEqual(90);
    expect(perExam.size).toBeLessThanOrEqual(110);
    const sorted = [...perExam.values()].sort((a, b) => b - a);
    expect(sorted[0]! / docs.length).toBeGreaterThan(0.06);
    expect(sorted[0]! / docs.length).toBeLessThan(0.2);
    expect(sorted.slice(0, 10).reduce((a, b) => a + b, 0) / docs.length).toBeGreaterThan(0.35);
    expect(sorted[sorted.length - 1]!).toBeLessThan(sorted[0]! / 20);
    for (const name of ['Learning Git', 'Normal Forms and All That Jazz Master Class', 'Introduction to Python']) expect(perExam.has(name), name).toBe(true);
    // exams keep their ids: one base_exam_id per name
    const baseIds = new Map<string, Set<string>>();
    for (const d of docs) baseIds.set(d.exam_name, (baseIds.get(d.exam_name) ?? new Set()).add(d.base_exam_id));
    expect([...baseIds.values()].every((s) => s.size === 1)).toBe(true);
    // a user has one user_exam_id per exam taken: fewer users than user_exam_ids, some user_exam_ids retaken
    const userExamIds = new Map<string, number>();
    for (const d of new Map(docs.map((x) => [x.keen_id, x])).values()) userExamIds.set(d.user_exam_id, (userExamIds.get(d.user_exam_id) ?? 0) + 1);
    expect(summary.users * 2).toBeLessThan(userExamIds.size);
    expect([...userExamIds.values()].some((k) => k > 1)).toBe(true);
  });

  it('writes JSON lines with the same documents when asked', async () => {
    const lines = await generateAssessments({ outDir: tempDir(), attempts: ATTEMPTS, format: 'json-lines', fileName: 'a.jsonl' });
    const lineText = readFileSync(lines.file, 'utf8');
    expect(lineText.endsWith('}\n')).toBe(true);
    expect(lineText.trimEnd().split('\n').map((l) => JSON.parse(l) as Attempt)).toEqual(docs);
    expect({ ...lines, file: '', bytes: 0 }).toEqual({ ...summary, file: '', bytes: 0 });
  });

  it('produces the text in ~1 MB chunks, never as one string', () => {
    const chunks = assessmentsFileChunks({ attempts: 2000, seed: 5 });
    let count = 0;
    let total = '';
    for (let next = chunks.next(); next.done !== true; next = chunks.next()) {
      expect(next.value.length).toBeLessThan((1 << 20) + 64 * 1024);
      total += next.value;
      count++;
    }
    expect(count).toBeGreaterThan(4);
    expect((JSON.parse(total) as unknown[]).length).toBe(2000);
  });

  it('handles tiny and empty files', async () => {
    const empty = await generateAssessments({ outDir: tempDir(), attempts: 0 });
    expect(readFileSync(empty.file, 'utf8')).toBe('[]');
    expect(empty.distinctKeenIds).toBe(0);
    const one = await generateAssessments({ outDir: tempDir(), attempts: 1 });
    expect(shapeProblems((JSON.parse(readFileSync(one.file, 'utf8')) as Json[])[0]!)).toEqual([]);
    await expect(generateAssessments({ outDir: tempDir(), attempts: -1 })).rejects.toThrow(/attempts/);
  });
});
