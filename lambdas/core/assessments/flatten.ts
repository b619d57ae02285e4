// The transform step's logic for assessments: reads the raw attempts file as a stream and turns each
// attempt document into flat rows of assessments, assessment_questions and assessment_options (see
// tables.ts), handed to a FlatRowSink as they are produced. No warehouse involved.
//
// Input: a Node Readable holding either one JSON array of documents (as the real file) or JSON lines
// (one document a line, blank lines skipped); gzip is detected by its magic bytes, the format by the
// first significant character ('[' = array). Parsing streams with stream-json (array) or line by line
// (JSON lines): only one document is in memory at a time, never the file.
//
// Text is read as strict UTF-8, so that bytes that are not UTF-8 never reach a table as U+FFFD: each
// JSON line is checked on its own, and a line that is not UTF-8 is rejected (invalid_utf8) while the
// rest of the file is read on. A JSON array is decoded as one text, where such bytes cannot be traced
// to one document: they stop the reading with AssessmentsInputError.
//
// Each document ends in exactly one of three outcomes, so that read = loaded + duplicates + rejected:
// - loaded: valid (records.ts); one assessments row, a row per question, a row per option. A
//   document's rows are emitted only once the whole document is valid (all or nothing).
// - duplicate: a valid document equal to an already loaded one with the same keen_id (same JSON
//   text up to whitespace: the same attempt emitted twice) is counted and emits no rows.
// - rejected: not UTF-8 or not JSON (JSON lines only), not an object, a required field missing, a
//   value of the wrong type or out of range: one assessment_rejects row with a reason code, a one-line
//   reason and the document's text cut to 65,535 UTF-8 bytes (compact JSON; the line as read when it
//   is not JSON, with U+FFFD in place of the bytes when it is not UTF-8).
// A valid document whose keen_id is already loaded with different content is loaded too (it is
// another version of the attempt, not a copy) under attempt_key keen_id~2, keen_id~3, …; such
// documents are counted in `conflicts` (a subset of `loaded`). The first version keeps attempt_key =
// keen_id, so that keys are stable whatever comes later in the file.
//
// Memory: the duplicate check keeps, per keen_id, a 48-bit hash of each loaded version (about 100 bytes
// per attempt), the only state that grows with the input. A syntax error inside a JSON array cannot be
// skipped (the rest of the array cannot be framed): it throws AssessmentsInputError, with the summary of
// what was read before it.

import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import chain from 'stream-chain';
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
  /** The input's name in error messages, e.g. its URI; default 'the assessments input' */
  source?: string;
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

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A JSON line that JSON.parse refused, passed through the parser in place of a value. */
class UnparsableLine {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}
}

/** A JSON line whose bytes are not UTF-8, passed through in place of a value. */
class InvalidUtf8Line {
  /** @param text the line with U+FFFD in place of each byte sequence that is not UTF-8 */
  constructor(readonly text: string) {}
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
    const source = options.source ?? 'the assessments input';
    return new AssessmentsInputError(`cannot read ${source} after ${summary.read} documents: ${(error as Error).message}`, summary, { cause: error });
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
      ? pipeline(Readable.from(strictUtf8Text(text.stream)), chain([parser({ streamValues: false }), streamArray()]), ignore)
      : jsonLineDocuments(text.stream);
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

/**
 * The text of `bytes` decoded as strict UTF-8 (a byte-order mark kept, for the parser to drop).
 * @throws Error saying before which byte a sequence is not UTF-8
 */
async function* strictUtf8Text(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let end = 0;
  for await (const chunk of bytes) {
    end += chunk.length;
    const text = strictDecode(() => decoder.decode(chunk, { stream: true }), `before byte ${end}`);
    if (text !== '') yield text;
  }
  const rest = strictDecode(() => decoder.decode(), 'at its end');
  if (rest !== '') yield rest;
}

function strictDecode(decode: () => string, where: string): string {
  try {
    return decode();
  } catch {
    throw new Error(`not valid UTF-8 ${where}`);
  }
}

/**
 * The documents of JSON-lines bytes, a line at a time (a byte-order mark at the start dropped): each
 * non-blank line parsed, or passed on as an InvalidUtf8Line or UnparsableLine.
 */
async function* jsonLineDocuments(bytes: AsyncIterable<Buffer>): AsyncGenerator<{ value: unknown }> {
  let first = true;
  for await (const line of byteLines(bytes)) {
    const value = lineDocument(first && line.subarray(0, 3).equals(UTF8_BOM) ? line.subarray(3) : line);
    first = false;
    if (value !== undefined) yield { value };
  }
}

/** The parsed JSON of one line; an InvalidUtf8Line or UnparsableLine when it is not UTF-8 or not JSON; undefined when blank. */
function lineDocument(line: Buffer): unknown {
  const text = line.toString('utf8');
  if (text.trim() === '') return undefined;
  if (!isUtf8(line)) return new InvalidUtf8Line(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new UnparsableLine(text, (error as Error).message);
  }
}

/** The lines of a byte stream, without their LF or CRLF ends (the last line as it is). */
async function* byteLines(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of bytes) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      start = end + 1;
      yield line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield Buffer.concat(pending);
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
    if (value instanceof InvalidUtf8Line) return this.reject(index, value.text, null, 'invalid_utf8', 'not valid UTF-8 (raw holds U+FFFD in place of the bytes)');
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
