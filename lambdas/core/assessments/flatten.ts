// The transform step's logic for assessments: reads the raw attempts file as a stream and turns each
// attempt document into flat rows of assessments, assessment_questions and assessment_options (see
// tables.ts), handed to a FlatRowSink as they are produced. No warehouse involved.
//
// Input: a Node Readable holding either one JSON array of documents (as the real file) or JSON lines
// (one document a line, blank lines skipped); gzip is detected by its magic bytes, the format by the
// first significant character ('[' = array). Parsing streams with stream-json (array) or stream-chain's
// JSON-lines parser: only one document is in memory at a time, never the file.
//
// Each document ends in exactly one of three outcomes, so that read = loaded + duplicates + rejected:
// - loaded: valid (records.ts); one assessments row, a row per question, a row per option. A
//   document's rows are emitted only once the whole document is valid (all or nothing).
// - duplicate: a valid document equal to an already loaded one with the same keen_id (same JSON
//   text up to whitespace: the same attempt emitted twice) is counted and emits no rows.
// - rejected: not JSON (JSON lines only), not an object, a required field missing, a value of the wrong
//   type or out of range: one assessment_rejects row with a reason code, a one-line reason and the
//   document's text cut to 65,535 UTF-8 bytes (compact JSON; the line as read when it is not JSON).
// A valid document whose keen_id is already loaded with different content is loaded too (it is
// another version of the attempt, not a copy) under attempt_key keen_id~2, keen_id~3, …; such
// documents are counted in `conflicts` (a subset of `loaded`). The first version keeps attempt_key =
// keen_id, so that keys are stable whatever comes later in the file.
//
// Memory: the duplicate check keeps, per keen_id, a 48-bit hash of each loaded version (about 100 bytes
// per attempt), the only state that grows with the input. A syntax error inside a JSON array cannot be
// skipped (the rest of the array cannot be framed): it throws AssessmentsInputError, with the summary of
// what was read before it.

import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import chain from 'stream-chain';
import jsonlParserStream from 'stream-chain/jsonl/parserStream.js';
import parser from 'stream-json/parser.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { checkAttempt, type AttemptRecord } from './records.ts';
import type { FlatRowSink } from './sinks.ts';
import { ASSESSMENT_TABLE_NAMES, type AssessmentTable, type RejectCode } from './tables.ts';

export type AssessmentsInputFormat = 'json-array' | 'json-lines';

export interface FlattenOptions {
  /** 'auto' (default): a first significant character '[' means a JSON array, anything else JSON lines */
  format?: 'auto' | AssessmentsInputFormat;
  /** UTF-8 bytes of a rejected document's text kept in assessment_rejects.raw; default and maximum 65,535 */
  maxRawBytes?: number;
}

export interface FlattenSummary {
  format: AssessmentsInputFormat;
  gzip: boolean;
  /** documents read: array elements, or non-blank lines */
  read: number;
  /** documents flattened into rows (one assessments row each) */
  loaded: number;
  /** valid documents equal to an already loaded document with the same keen_id; no rows */
  duplicates: number;
  /** documents that could not be flattened; one assessment_rejects row each */
  rejected: number;
  /** loaded documents whose keen_id was already loaded with other content (attempt_key keen_id~n) */
  conflicts: number;
  /** rows handed to the sink, per table */
  rows: Record<AssessmentTable, number>;
  /** rejected documents per reason code */
  rejectCodes: Partial<Record<RejectCode, number>>;
  /** read === loaded + duplicates + rejected */
  reconciled: boolean;
}

export class AssessmentsInputError extends Error {
  constructor(
    message: string,
    /** what was read, and sent to the sink, before the error */
    readonly summary: FlattenSummary,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AssessmentsInputError';
  }
}

const MAX_RAW_BYTES = 65_535;

/** A JSON line that JSON.parse refused, passed through the parser in place of a value. */
class UnparsableLine {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}
}

/** Flattens every document of `input` into `sink`; resolves once the input is consumed and every write settled. */
export async function flattenAssessments(input: Readable, sink: FlatRowSink, options: FlattenOptions = {}): Promise<FlattenSummary> {
  const maxRawBytes = Math.min(MAX_RAW_BYTES, options.maxRawBytes ?? MAX_RAW_BYTES);
  const summary: FlattenSummary = {
    format: options.format === 'json-array' ? 'json-array' : 'json-lines',
    gzip: false,
    read: 0,
    loaded: 0,
    duplicates: 0,
    rejected: 0,
    conflicts: 0,
    rows: Object.fromEntries(ASSESSMENT_TABLE_NAMES.map((t) => [t, 0])) as Record<AssessmentTable, number>,
    rejectCodes: {},
    reconciled: true,
  };
  const inputError = (error: unknown): AssessmentsInputError => {
    summary.reconciled = summary.read === summary.loaded + summary.duplicates + summary.rejected;
    return new AssessmentsInputError(`cannot read the assessments input after ${summary.read} documents: ${(error as Error).message}`, summary, { cause: error });
  };

  let text: { head: Buffer; stream: Readable };
  try {
    const raw = await sniff(input, (head) => head.length >= 2);
    summary.gzip = raw.head[0] === 0x1f && raw.head[1] === 0x8b;
    const plain = summary.gzip ? pipeline(raw.stream, createGunzip(), ignore) : raw.stream;
    text = await sniff(plain, (head) => firstSignificant(head) !== undefined);
  } catch (error) {
    throw inputError(error);
  }
  if (options.format === undefined || options.format === 'auto') summary.format = firstSignificant(text.head) === 0x5b ? 'json-array' : 'json-lines';

  const flattener = new Flattener(sink, summary, maxRawBytes);
  const documents =
    summary.format === 'json-array'
      ? pipeline(text.stream, chain([parser({ streamValues: false }), streamArray()]), ignore)
      : pipeline(text.stream, jsonlParserStream({ errorIndicator: unparsableLine }), ignore);
  const iterator = (documents as AsyncIterable<{ value: unknown }>)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<{ value: unknown }>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw inputError(error);
    }
    if (next.done === true) break;
    try {
      const pending = flattener.take(next.value.value);
      if (pending !== undefined) await pending;
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
  }
  summary.reconciled = summary.read === summary.loaded + summary.duplicates + summary.rejected;
  return summary;
}

function ignore(): void {}

function unparsableLine(error: Error, line: string): UnparsableLine | undefined {
  return line.trim() === '' ? undefined : new UnparsableLine(line, error.message);
}

/** The first byte that is not whitespace or a UTF-8 byte-order mark, if `head` holds one. */
function firstSignificant(head: Buffer): number | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i];
}

/**
 * Reads chunks until `enough(head)` holds (or the input ends), then returns them with a stream that
 * replays them followed by the rest of the input.
 */
async function sniff(input: AsyncIterable<unknown>, enough: (head: Buffer) => boolean): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let head = Buffer.alloc(0);
  let ended = false;
  while (!enough(head)) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    chunks.push(toBuffer(next.value));
    head = Buffer.concat(chunks);
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (ended) return;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield toBuffer(next.value);
    } finally {
      // when the reading stops early (an error downstream), release the input too
      await iterator.return?.();
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`the assessments input must carry bytes or text, got a ${typeof chunk}`);
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutUtf8(text: string, maxBytes: number): { raw: string; truncated: boolean } {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { raw: text, truncated: false };
  const bytes = Buffer.from(text);
  let end = maxBytes;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return { raw: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** 48 bits of the MD5 of a document's compact JSON text. */
function contentHash(json: string): number {
  return createHash('md5').update(json).digest().readUIntBE(0, 6);
}

class Flattener {
  /** hash of each loaded version, per keen_id (an array once a keen_id has several versions) */
  private readonly versions = new Map<string, number | number[]>();

  constructor(
    private readonly sink: FlatRowSink,
    private readonly summary: FlattenSummary,
    private readonly maxRawBytes: number,
  ) {}

  /** Handles one document; returns a promise when the sink asked to wait. */
  take(value: unknown): void | Promise<void> {
    const index = this.summary.read++;
    if (value instanceof UnparsableLine) return this.reject(index, value.text, null, 'invalid_json', `not JSON: ${value.message}`);
    const check = checkAttempt(value);
    if (!check.ok) {
      const keenId = (value as { keen_id?: unknown } | null)?.keen_id;
      return this.reject(index, JSON.stringify(value) ?? String(value), typeof keenId === 'string' && keenId.length <= 64 ? keenId : null, check.code, check.reason);
    }
    const attemptKey = this.attemptKey(check.record.keen_id, contentHash(JSON.stringify(value)));
    if (attemptKey === null) {
      this.summary.duplicates++;
      return;
    }
    this.summary.loaded++;
    return this.emit(check.record, attemptKey);
  }

  /** The key for a new version of keen_id, or null when this exact version is already loaded. */
  private attemptKey(keenId: string, hash: number): string | null {
    // a fresh flat copy: a string cut from a parser buffer could keep the whole buffer alive in the map
    const key = Buffer.from(keenId).toString();
    const known = this.versions.get(key);
    if (known === undefined) {
      this.versions.set(key, hash);
      return keenId;
    }
    const hashes = typeof known === 'number' ? [known] : known;
    if (hashes.includes(hash)) return null;
    hashes.push(hash);
    this.versions.set(key, hashes);
    this.summary.conflicts++;
    return `${keenId}~${hashes.length}`;
  }

  private reject(index: number, text: string, keenId: string | null, code: RejectCode, reason: string): void | Promise<void> {
    this.summary.rejected++;
    this.summary.rejectCodes[code] = (this.summary.rejectCodes[code] ?? 0) + 1;
    const { raw, truncated } = cutUtf8(text, this.maxRawBytes);
    this.summary.rows.assessment_rejects++;
    return this.sink.write('assessment_rejects', { source_index: index, keen_id: keenId, reason_code: code, reason, raw, raw_truncated: truncated });
  }

  private emit(record: AttemptRecord, attemptKey: string): void | Promise<void> {
    const { sink, summary } = this;
    const sequences = record.sequences ?? null;
    const questions = sequences?.questions ?? [];
    const counts = sequences?.counts ?? null;
    const waits: Promise<void>[] = [];
    const wait = (p: void | Promise<void>): void => {
      if (p !== undefined) waits.push(p);
    };
    summary.rows.assessments++;
    wait(
      sink.write('assessments', {
        attempt_key: attemptKey,
        keen_id: record.keen_id,
        keen_timestamp: record.keen_timestamp,
        keen_created_at: record.keen_created_at ?? null,
        started_at: record.started_at,
        max_attempts: record.max_attempts ?? null,
        base_exam_id: record.base_exam_id,
        user_exam_id: record.user_exam_id,
        exam_name: record.exam_name,
        certification: record.certification ?? null,
        sequence_id: sequences?.id ?? null,
        attempt: sequences?.attempt ?? null,
        question_count: questions.length,
        correct: counts?.correct ?? null,
        incorrect: counts?.incorrect ?? null,
        unanswered: counts?.unanswered ?? null,
        total: counts?.total ?? null,
        submitted: counts?.submitted ?? null,
        incomplete: counts?.incomplete ?? null,
        all_correct: counts?.all_correct ?? null,
      }),
    );
    questions.forEach((question, qi) => {
      const questionKey = `${attemptKey}/${qi + 1}`;
      const options = question.options ?? [];
      summary.rows.assessment_questions++;
      wait(
        sink.write('assessment_questions', {
          attempt_key: attemptKey,
          question_key: questionKey,
          position: qi + 1,
          question_id: question.id,
          user_correct: question.user_correct ?? null,
          user_incomplete: question.user_incomplete ?? null,
          user_submitted: question.user_submitted ?? null,
          user_result: question.user_result ?? null,
          option_count: options.length,
        }),
      );
      options.forEach((option, oi) => {
        summary.rows.assessment_options++;
        wait(
          sink.write('assessment_options', {
            question_key: questionKey,
            attempt_key: attemptKey,
            position: oi + 1,
            option_id: option.id,
            checked: option.checked ?? null,
            correct: option.correct ?? null,
            submitted: option.submitted ?? null,
            clicked_at: option.at ?? null,
          }),
        );
      });
    });
    if (waits.length > 0) return Promise.all(waits).then(ignore);
  }
}
