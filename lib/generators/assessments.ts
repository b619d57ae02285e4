// Deterministic generator of assessment attempts shaped like the MIDS w205 file
// assessment-attempts-20180128-121051-nested.json (see ../shared/data/SOURCES.md): one compact JSON
// array of attempt documents with the real field names, field order and nesting
// (sequences.questions[].options[], sequences.counts), keen_* epoch strings, ISO-8601 times, string
// "1.0" / "false" values and keen_ids that start with the attempt's epoch seconds in hex.
//
// Irregularities, at the rates of IRREGULARITY_RATES: documented ones (attempts without counts,
// sequences not uniformly nested: some hold only questions, option fields at / submitted / correct
// present only sometimes) and assumed ones (attempts without sequences, empty question lists,
// questions with no options, checked options without at or submitted, unanswered questions without
// user_result, the same attempt emitted twice byte for byte a few documents apart). Each document-level
// one appears at least once in files of 50 attempts or more. About 100 exams with a Zipf-like
// popularity, and a pool of simulated users who each take several exams (a user retaking an exam reuses
// its user_exam_id). Like the real file, the array is not in time order: it runs roughly backwards in
// time with local disorder.
//
// Same options => byte-identical file. Only the seeded PRNG in ./random.ts is used. Documents are
// produced one at a time and written in ~1 MB chunks; memory grows only with the user pool (a few
// bytes per attempt), never with the text.

import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from './random.ts';

export type AssessmentsFileFormat = 'json-array' | 'json-lines';

export interface AssessmentsTextOptions {
  /** documents in the file, exact re-emissions included (the real file holds 3,280) */
  attempts: number;
  /** default 1; same options => same text */
  seed?: number;
  /** 'json-array' (default, as the real file: one compact array) or 'json-lines' (one document a line) */
  format?: AssessmentsFileFormat;
}

export interface AssessmentsSampleOptions extends AssessmentsTextOptions {
  /** writes outDir/assessments/<fileName> */
  outDir: string;
  /** default 'assessment-attempts-20180128-121051-nested.json' */
  fileName?: string;
}

/** What the generated text holds; counts run over every document written, re-emissions included. */
export interface AssessmentsTextStats {
  /** documents written */
  attempts: number;
  /** distinct keen_ids (= attempts - duplicates) */
  distinctKeenIds: number;
  /** documents repeating an earlier document byte for byte */
  duplicates: number;
  questions: number;
  options: number;
  /** options with "checked": true */
  checkedOptions: number;
  /** distinct exam names written */
  exams: number;
  /** distinct simulated users (not a field of the file: a user shows as one user_exam_id per exam) */
  users: number;
  /** documents without a sequences field */
  withoutSequences: number;
  /** documents whose sequences has no counts (map-like sequences included) */
  withoutCounts: number;
  /** documents whose sequences holds only questions (no attempt, id or counts) */
  mapLikeSequences: number;
  /** documents whose sequences.questions is empty */
  emptyQuestionLists: number;
  /** questions whose options list is empty */
  questionsWithoutOptions: number;
}

export interface AssessmentsSampleSummary extends AssessmentsTextStats {
  /** path of the file written */
  file: string;
  bytes: number;
}

/** Per-document (or per-question / per-option) probabilities of each irregularity. */
export const IRREGULARITY_RATES = {
  /** a document is an exact re-emission of one of the previous ~40 attempts */
  duplicate: 0.01,
  withoutSequences: 0.003,
  /** sequences present, counts absent (besides map-like sequences) */
  withoutCounts: 0.012,
  mapLikeSequences: 0.004,
  emptyQuestionList: 0.002,
  /** per question */
  questionWithoutOptions: 0.004,
  /** per question: nothing submitted, no user_result */
  unansweredQuestion: 0.02,
  /** per checked option */
  checkedWithoutAt: 0.004,
  /** per checked option */
  checkedWithoutSubmitted: 0.003,
  /** per unchecked option of an answered question: clicked then unclicked, so it carries `at` */
  touchedUnchecked: 0.05,
} as const;

export const DEFAULT_ASSESSMENTS_FILE = 'assessment-attempts-20180128-121051-nested.json';

const FIRST_MS = Date.UTC(2017, 10, 21);
const LAST_MS = Date.UTC(2018, 0, 28, 12, 10, 51);
const CHUNK_CHARS = 1 << 20;
const DUPLICATE_WINDOW = 40;

// Seen in the real file (SOURCES.md) first, then titles of the same kind (technical video courses).
const EXAM_NAMES = [
  'Learning Git', 'Introduction to Python', 'Intermediate Python Programming', 'Introduction to Java 8',
  'Learning to Program with R', 'Introduction to Machine Learning', 'Software Architecture Fundamentals Understanding the Basics',
  'Beginning C# Programming', 'Learning Eclipse', 'Learning Apache Maven', 'Beginning Programming with JavaScript',
  'Mastering Git', 'Introduction to Big Data', 'Advanced Machine Learning', 'Learning Linux System Administration',
  "I'm a Software Architect, Now What?", 'Normal Forms and All That Jazz Master Class', 'The Principles of Microservices',
  'Git Fundamentals for Web Developers', 'JavaScript: The Good Parts Master Class with Douglas Crockford',
  'Data Science with Microsoft Azure and R', 'Python Epiphanies', 'Working with Algorithms in Python',
  'Cloud Native Architecture Fundamentals', 'Learning Data Modeling', 'Mastering Advanced Git', 'Learning SQL',
  'Modeling for Software Architects', 'Learning iPython Notebook', 'Intermediate C# Programming',
  'Expert Data Wrangling with R', 'Learning Java', 'Introduction to Data Science in R', 'Practical Java Programming',
  'Using Storytelling to Effectively Communicate Data', 'Reproducible Research and Reports with R Markdown',
  'Design Patterns in Java', 'An Introduction to d3.js: From Scattered to Scatterplot', 'Learning Spring Programming',
  'Introduction to Shell Programming', 'Amazon Web Services - Simple Storage Service', 'Collaborating with Git',
  'The Closed World Assumption', 'Nulls, Three-valued Logic and Missing Information', 'Arduino Prototyping Techniques',
  'Relational Theory for Computer Professionals', "What's New in JavaScript", 'Operating Red Hat Enterprise Linux Servers',
  'Great Bash', 'Event-Driven Microservices', 'Hibernate and JPA Fundamentals', 'Introduction to Hadoop YARN',
  'Learning C# Best Practices', 'Software Architecture Fundamentals Beyond The Basics', 'Introduction to Apache Spark',
  'Microservices Architecture', 'Learning Apache Hadoop', 'Learning Apache Cassandra', 'Beginning Programming with Python',
  'Introduction to Architecting Amazon Web Services', 'Mastering Python Networking', 'Learning Docker',
  'Docker for Developers', 'Kubernetes Fundamentals', 'Learning Kafka', 'Streaming Data with Apache Kafka',
  'Introduction to Scala', 'Functional Programming in Scala', 'Learning Go', 'Go Concurrency Patterns',
  'Introduction to Node.js', 'Building Web APIs with Node.js', 'Learning React', 'Modern CSS Layouts',
  'HTML5 and CSS3 Fundamentals', 'TypeScript Fundamentals', 'Regular Expressions Master Class', 'Learning Vim',
  'Unix Command Line Basics', 'Networking for Developers', 'Web Security Basics', 'Cryptography Essentials',
  'Statistics for Data Science', 'Probability Refresher', 'Linear Algebra for Machine Learning',
  'Deep Learning with TensorFlow', 'Natural Language Processing in Python', 'Time Series Analysis with Python',
  'Data Visualization with Matplotlib', 'Pandas Data Analysis', 'NoSQL Data Modeling', 'Learning MongoDB',
  'PostgreSQL Administration', 'Database Indexing Strategies', 'Transaction Processing Fundamentals',
  'Test-Driven Development in Java', 'Continuous Delivery Pipelines', 'Agile Estimation Techniques',
  'Refactoring Legacy Code', 'Clean Code Practices', 'Domain-Driven Design Distilled',
] as const;

// ---------------------------------------------------------------------------------------------
// ids and times

const hex = (n: number, digits: number): string => (n >>> 0).toString(16).padStart(8, '0').slice(8 - digits);

/** A random (version 4) UUID. */
function uuid4(rng: Rng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-${hex(0x8000 | (c >>> 18), 4)}-${hex(c, 4)}${hex(d, 8)}`;
}

/** A time-based (version 1) UUID from 2016, like the older base_exam_ids ("37f0a30a-7464-11e6-aa92-a8667f27e5dc"). */
function uuid1(rng: Rng, node: string): string {
  return `${hex(rng.u32(), 8)}-${hex(rng.u32(), 4)}-11e6-${hex(0x8000 | rng.int(0x4000), 4)}-${node}`;
}

/** Epoch seconds the way Python's repr(time.time()) printed them: shortest round-trip digits, "x.0" when whole. */
function epochText(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `${text}.0` : text;
}

const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// catalogue

interface ExamOption {
  id: string;
  correct: boolean;
}
interface ExamQuestion {
  id: string;
  options: readonly ExamOption[];
  correctCount: number;
}
interface Exam {
  nameJson: string;
  baseExamId: string;
  maxAttempts: number;
  certification: 'false' | 'true';
  difficulty: number;
  questions: readonly ExamQuestion[];
}

function buildExams(rng: Rng): { exams: Exam[]; cumulative: Float64Array } {
  const nodes = Array.from({ length: 4 }, () => `${hex(rng.u32(), 4)}${hex(rng.u32(), 8)}`);
  const exams: Exam[] = EXAM_NAMES.map((name) => {
    const r = rng.float();
    const questionCount = r < 0.5 ? 4 : r < 0.65 ? 5 : r < 0.75 ? 3 : r < 0.85 ? 6 : rng.range(7, 10);
    const questions: ExamQuestion[] = [];
    for (let q = 0; q < questionCount; q++) {
      const o = rng.float();
      const optionCount = o < 0.7 ? 4 : o < 0.85 ? 3 : o < 0.95 ? 5 : 6;
      const c = rng.float();
      const correctCount = Math.min(optionCount - 1, c < 0.45 ? 1 : c < 0.8 ? 2 : 3);
      const correctAt = new Set<number>();
      while (correctAt.size < correctCount) correctAt.add(rng.int(optionCount));
      const options = Array.from({ length: optionCount }, (_, i) => ({ id: uuid4(rng), correct: correctAt.has(i) }));
      questions.push({ id: uuid4(rng), options, correctCount });
    }
    const m = rng.float();
    return {
      nameJson: JSON.stringify(name),
      baseExamId: rng.chance(0.6) ? uuid1(rng, rng.pick(nodes)) : uuid4(rng),
      maxAttempts: m < 0.94 ? 1 : m < 0.98 ? 2 : 3,
      certification: rng.chance(0.04) ? 'true' : 'false',
      difficulty: 0.15 + 0.5 * rng.float(),
      questions,
    };
  });
  // Zipf-like popularity over the list order (the first names are the most taken, as in the real file)
  const cumulative = new Float64Array(exams.length);
  let total = 0;
  for (let i = 0; i < exams.length; i++) {
    total += (1 / (i + 1) ** 0.85) * (0.8 + 0.4 * rng.float());
    cumulative[i] = total;
  }
  for (let i = 0; i < cumulative.length; i++) cumulative[i] = (cumulative[i] as number) / total;
  return { exams, cumulative };
}

interface Users {
  cumulative: Float64Array;
  skill: Float64Array;
  salt: Uint32Array;
}

/** Simulated users with skewed activity (log-normal weights), so that some take many exams. */
function buildUsers(rng: Rng, count: number): Users {
  const cumulative = new Float64Array(count);
  const skill = new Float64Array(count);
  const salt = new Uint32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += Math.exp(1.1 * rng.normal());
    cumulative[i] = total;
    skill[i] = Math.min(0.97, Math.max(0.2, 0.68 + 0.14 * rng.normal()));
    salt[i] = rng.u32();
  }
  for (let i = 0; i < count; i++) cumulative[i] = (cumulative[i] as number) / total;
  return { cumulative, skill, salt };
}

/** Folds a time that the jitter pushed past an end of the file's period back inside it. */
function reflectInto(ms: number, first: number, last: number): number {
  if (ms > last) return Math.max(first, 2 * last - ms);
  if (ms < first) return Math.min(last, 2 * first - ms);
  return ms;
}

function pickWeighted(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (cumulative[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// one attempt

type Shape = 'full' | 'withoutSequences' | 'withoutCounts' | 'mapLike' | 'emptyQuestions';
type Outcome = 'correct' | 'missed_some' | 'incorrect' | 'unanswered';

interface AttemptText {
  text: string;
  questions: number;
  options: number;
  checked: number;
  questionsWithoutOptions: number;
}

interface Counts {
  incomplete: number;
  submitted: number;
  incorrect: number;
  correct: number;
  total: number;
  unanswered: number;
}

interface AttemptContext {
  rng: Rng;
  exam: Exam;
  skill: number;
  /** when the attempt was recorded (keen_timestamp) */
  keenMs: number;
  forceEmptyOptions: boolean;
}

interface QuestionsText {
  text: string;
  startMs: number;
  options: number;
  checked: number;
  withoutOptions: number;
}

function chooseOutcome(rng: Rng, question: ExamQuestion, pCorrect: number): Outcome {
  if (rng.chance(IRREGULARITY_RATES.unansweredQuestion)) return 'unanswered';
  const r = rng.float();
  if (r < pCorrect) return 'correct';
  if (question.correctCount >= 2 && r < pCorrect + (1 - pCorrect) * 0.45) return 'missed_some';
  return 'incorrect';
}

/** Which options the user ends up checking for an outcome. */
function checkedSet(rng: Rng, question: ExamQuestion, outcome: Outcome): boolean[] {
  const opts = question.options;
  if (outcome === 'unanswered') return opts.map(() => false);
  if (outcome === 'correct') return opts.map((o) => o.correct);
  const checked = opts.map(() => false);
  const correctIdx = opts.flatMap((o, i) => (o.correct ? [i] : []));
  const wrongIdx = opts.flatMap((o, i) => (o.correct ? [] : [i]));
  if (outcome === 'missed_some') {
    const keep = rng.range(1, correctIdx.length - 1);
    for (let k = 0; k < keep; k++) checked[correctIdx.splice(rng.int(correctIdx.length), 1)[0] as number] = true;
    return checked;
  }
  checked[rng.pick(wrongIdx)] = true;
  if (wrongIdx.length > 1 && rng.chance(0.15)) checked[rng.pick(wrongIdx)] = true;
  for (const i of correctIdx) if (rng.chance(0.5)) checked[i] = true;
  return checked;
}

/** One option, with the field order of the real file for each case. */
function optionText(rng: Rng, option: ExamOption, checked: boolean, answered: boolean, clickMs: () => number): string {
  const correct = option.correct ? ',"correct":true' : '';
  if (checked) {
    const at = rng.chance(IRREGULARITY_RATES.checkedWithoutAt) ? '' : `,"at":"${iso(clickMs())}"`;
    const submitted = rng.chance(IRREGULARITY_RATES.checkedWithoutSubmitted) ? '' : ',"submitted":1';
    return `{"checked":true${at},"id":"${option.id}"${submitted}${correct}}`;
  }
  if (answered && rng.chance(IRREGULARITY_RATES.touchedUnchecked)) {
    return `{"checked":false,"at":"${iso(clickMs())}","id":"${option.id}"${correct}}`;
  }
  return `{"checked":false${correct},"id":"${option.id}"}`;
}

/** The questions of an attempt ending at ctx.keenMs; fills `counts` as the real sequences.counts. */
function questionsText(ctx: AttemptContext, counts: Counts): QuestionsText {
  const { rng, exam } = ctx;
  const n = exam.questions.length;
  // time spent on each question first, so that the attempt can be laid out to end at keenMs
  const think = Array.from({ length: n }, () => Math.min(180_000, Math.max(1500, Math.round(Math.exp(2.1 + 0.6 * rng.normal()) * 1000))));
  const gaps = Array.from({ length: n + 2 }, () => 300 + rng.int(3000));
  const startMs = ctx.keenMs - think.reduce((a, b) => a + b, 0) - gaps.reduce((a, b) => a + b, 0);
  let t = startMs + (gaps[0] as number);
  const pCorrect = Math.min(0.95, Math.max(0.05, ctx.skill - exam.difficulty * 0.6 + 0.25));
  const parts: string[] = [];
  let options = 0;
  let checkedCount = 0;
  let withoutOptions = 0;
  exam.questions.forEach((question, qi) => {
    const empty = (ctx.forceEmptyOptions && qi === 0) || rng.chance(IRREGULARITY_RATES.questionWithoutOptions);
    const outcome: Outcome = empty ? 'unanswered' : chooseOutcome(rng, question, pCorrect);
    const windowStart = t;
    const window = think[qi] as number;
    const clickMs = (): number => windowStart + rng.int(window);
    const answered = outcome !== 'unanswered';
    let optionsText = '';
    if (empty) withoutOptions++;
    else {
      const checked = checkedSet(rng, question, outcome);
      optionsText = question.options.map((option, oi) => optionText(rng, option, checked[oi] === true, answered, clickMs)).join(',');
      options += question.options.length;
      checkedCount += checked.filter(Boolean).length;
    }
    t += window + (gaps[qi + 1] as number);
    counts.total++;
    if (outcome === 'unanswered') counts.unanswered++;
    else {
      counts.submitted++;
      if (outcome === 'correct') counts.correct++;
      else if (outcome === 'incorrect') counts.incorrect++;
      else counts.incomplete++;
    }
    const head = `{"user_incomplete":${outcome === 'missed_some' || outcome === 'unanswered'},"user_correct":${outcome === 'correct'},"options":[${optionsText}],"user_submitted":${answered},"id":"${question.id}"`;
    parts.push(answered ? `${head},"user_result":"${outcome}"}` : `${head}}`);
  });
  return { text: parts.join(','), startMs, options, checked: checkedCount, withoutOptions };
}

function countsText(c: Counts): string {
  return `{"incomplete":${c.incomplete},"submitted":${c.submitted},"incorrect":${c.incorrect},"all_correct":${c.total > 0 && c.correct === c.total},"correct":${c.correct},"total":${c.total},"unanswered":${c.unanswered}}`;
}

interface AttemptSpec {
  shape: Shape;
  exam: Exam;
  userExamId: string;
  skill: number;
  keenMs: number;
  keenId: (seconds: number) => string;
  forceEmptyOptions: boolean;
}

function attemptText(rng: Rng, spec: AttemptSpec): AttemptText {
  const { exam, shape } = spec;
  const counts: Counts = { incomplete: 0, submitted: 0, incorrect: 0, correct: 0, total: 0, unanswered: 0 };
  const q = questionsText({ rng, exam, skill: spec.skill, keenMs: spec.keenMs, forceEmptyOptions: spec.forceEmptyOptions }, counts);
  const written = shape !== 'withoutSequences' && shape !== 'emptyQuestions';
  const keenSeconds = (spec.keenMs + rng.float()) / 1000;
  const keen = epochText(keenSeconds);
  let sequences = '';
  if (shape !== 'withoutSequences') {
    const questions = written ? q.text : '';
    const attempt = exam.maxAttempts > 1 && rng.chance(0.2) ? rng.range(2, exam.maxAttempts) : 1;
    const shown: Counts = written ? counts : { incomplete: 0, submitted: 0, incorrect: 0, correct: 0, total: 0, unanswered: 0 };
    sequences =
      shape === 'mapLike'
        ? `"sequences":{"questions":[${questions}]},`
        : `"sequences":{"questions":[${questions}],"attempt":${attempt},"id":"${uuid4(rng)}"${shape === 'withoutCounts' ? '' : `,"counts":${countsText(shown)}`}},`;
  }
  const text =
    `{"keen_timestamp":"${keen}","max_attempts":"${exam.maxAttempts}.0","started_at":"${iso(q.startMs)}",` +
    `"base_exam_id":"${exam.baseExamId}","user_exam_id":"${spec.userExamId}",${sequences}` +
    `"keen_created_at":"${keen}","certification":"${exam.certification}","keen_id":"${spec.keenId(Math.floor(keenSeconds))}",` +
    `"exam_name":${exam.nameJson}}`;
  return {
    text,
    questions: written ? exam.questions.length : 0,
    options: written ? q.options : 0,
    checked: written ? q.checked : 0,
    questionsWithoutOptions: written ? q.withoutOptions : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// the file

function checkOptions(options: AssessmentsTextOptions): { attempts: number; seed: number; format: AssessmentsFileFormat } {
  const { attempts } = options;
  if (!Number.isInteger(attempts) || attempts < 0) throw new Error(`attempts must be an integer >= 0, got ${attempts}`);
  const seed = options.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const format = options.format ?? 'json-array';
  if (format !== 'json-array' && format !== 'json-lines') throw new Error(`format must be 'json-array' or 'json-lines', got ${String(format)}`);
  return { attempts, seed, format };
}

const SHAPE_RATES: readonly (readonly [Shape, number])[] = [
  ['withoutSequences', IRREGULARITY_RATES.withoutSequences],
  ['mapLike', IRREGULARITY_RATES.mapLikeSequences],
  ['emptyQuestions', IRREGULARITY_RATES.emptyQuestionList],
  ['withoutCounts', IRREGULARITY_RATES.withoutCounts],
];

/** The shape of a document for a uniform draw `u` in [0, 1). */
function drawShape(u: number): Shape {
  let bound = 0;
  for (const [shape, rate] of SHAPE_RATES) {
    bound += rate;
    if (u < bound) return shape;
  }
  return 'full';
}

/** Positions that get each irregularity at least once (files of 50 attempts or more). */
function forcedPositions(rng: Rng, attempts: number): Map<number, Shape | 'duplicate' | 'emptyOptions'> {
  const forced = new Map<number, Shape | 'duplicate' | 'emptyOptions'>();
  if (attempts < 50) return forced;
  for (const kind of ['withoutSequences', 'withoutCounts', 'mapLike', 'emptyQuestions', 'emptyOptions', 'duplicate'] as const) {
    let p = rng.int(attempts - DUPLICATE_WINDOW - 1);
    while (forced.has(p)) p = rng.int(attempts - DUPLICATE_WINDOW - 1);
    forced.set(p, kind);
  }
  return forced;
}

/**
 * The file's text in chunks of about 1 MB; the generator's return value is what the text holds.
 * Usable as a synthetic stream: `Readable.from(assessmentsFileChunks({ attempts }))`.
 */
export function* assessmentsFileChunks(options: AssessmentsTextOptions): Generator<string, AssessmentsTextStats, undefined> {
  const { attempts, seed, format } = checkOptions(options);
  const { exams, cumulative } = buildExams(new Rng(seed, 'exams'));
  const users = buildUsers(new Rng(seed, 'users'), Math.max(8, Math.round(attempts * 0.3)));
  const rng = new Rng(seed, 'attempts');
  const forced = forcedPositions(new Rng(seed, 'forced'), attempts);
  const machines = Array.from({ length: 6 }, () => hex(rng.u32(), 6));
  let counter = rng.int(0x1000000);
  const keenIdFor = (seconds: number): string => {
    counter = (counter + 1 + rng.int(8)) % 0x1000000;
    return `${hex(seconds, 8)}${rng.pick(machines)}0001${hex(counter, 6)}`;
  };
  const stats: AssessmentsTextStats = {
    attempts, distinctKeenIds: 0, duplicates: 0, questions: 0, options: 0, checkedOptions: 0, exams: 0, users: 0,
    withoutSequences: 0, withoutCounts: 0, mapLikeSequences: 0, emptyQuestionLists: 0, questionsWithoutOptions: 0,
  };
  const examUsed = new Uint8Array(exams.length);
  const userUsed = new Uint8Array(users.skill.length);
  const pending: { due: number; attempt: AttemptText; shape: Shape }[] = [];
  const span = LAST_MS - FIRST_MS;
  const jitter = Math.min(36 * 3_600_000, (span / Math.max(1, attempts)) * 200);
  const separator = format === 'json-array' ? ',' : '\n';

  const count = (a: AttemptText, shape: Shape): void => {
    stats.questions += a.questions;
    stats.options += a.options;
    stats.checkedOptions += a.checked;
    stats.questionsWithoutOptions += a.questionsWithoutOptions;
    if (shape === 'withoutSequences') stats.withoutSequences++;
    if (shape === 'withoutCounts' || shape === 'mapLike') stats.withoutCounts++;
    if (shape === 'mapLike') stats.mapLikeSequences++;
    if (shape === 'emptyQuestions') stats.emptyQuestionLists++;
  };

  let chunk: string[] = [];
  let chunkChars = 0;
  if (format === 'json-array') {
    chunk.push('[');
    chunkChars = 1;
  }
  for (let p = 0; p < attempts; p++) {
    const head = pending[0];
    let doc: AttemptText;
    if (head !== undefined && head.due <= p && !forced.has(p)) {
      pending.shift();
      doc = head.attempt;
      count(doc, head.shape);
      stats.duplicates++;
    } else {
      const force = forced.get(p);
      const drawn = drawShape(rng.float());
      const shape: Shape = force === 'emptyOptions' ? 'full' : force !== undefined && force !== 'duplicate' ? force : drawn;
      const user = pickWeighted(users.cumulative, rng.float());
      const examIndex = pickWeighted(cumulative, rng.float());
      const exam = exams[examIndex] as Exam;
      examUsed[examIndex] = 1;
      userUsed[user] = 1;
      const center = LAST_MS - ((p + 0.5) / Math.max(1, attempts)) * span;
      const keenMs = Math.round(reflectInto(center + (rng.float() - 0.5) * jitter, FIRST_MS, LAST_MS));
      doc = attemptText(rng.fork('attempt'), {
        shape,
        exam,
        userExamId: uuid4(new Rng(users.salt[user] as number, `user-exam:${examIndex}`)),
        skill: users.skill[user] as number,
        keenMs,
        keenId: keenIdFor,
        forceEmptyOptions: force === 'emptyOptions',
      });
      count(doc, shape);
      stats.distinctKeenIds++;
      if (force === 'duplicate' || rng.chance(IRREGULARITY_RATES.duplicate)) {
        pending.push({ due: p + 1 + rng.int(DUPLICATE_WINDOW), attempt: doc, shape });
        pending.sort((a, b) => a.due - b.due);
      }
    }
    if (p > 0) chunk.push(separator);
    chunk.push(doc.text);
    chunkChars += doc.text.length + 1;
    if (chunkChars >= CHUNK_CHARS) {
      yield chunk.join('');
      chunk = [];
      chunkChars = 0;
    }
  }
  if (format === 'json-array') chunk.push(']');
  else if (attempts > 0) chunk.push('\n');
  if (chunk.length > 0) yield chunk.join('');
  stats.exams = examUsed.reduce((n, u) => n + u, 0);
  stats.users = userUsed.reduce((n, u) => n + u, 0);
  return stats;
}

/** Writes outDir/assessments/<fileName> and returns what it holds. */
export async function generateAssessments(options: AssessmentsSampleOptions): Promise<AssessmentsSampleSummary> {
  const dir = join(options.outDir, 'assessments');
  const file = join(dir, options.fileName ?? DEFAULT_ASSESSMENTS_FILE);
  const chunks = assessmentsFileChunks(options);
  await mkdir(dir, { recursive: true });
  const fh = await open(file, 'w');
  let bytes = 0;
  try {
    for (let next = chunks.next(); ; next = chunks.next()) {
      if (next.done === true) return { ...next.value, file, bytes };
      bytes += Buffer.byteLength(next.value);
      await fh.write(next.value);
    }
  } finally {
    await fh.close();
  }
}
