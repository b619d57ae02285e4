// The transform step for assessments on the object store: streams one raw attempts object through
// flattenAssessments (flatten.ts) into one gzip JSON-lines object per table, named
// <outputPrefixUri><table>.jsonl.gz (assessment_rejects included, empty tables too), ready for
// COPY … FORMAT JSON 'auto' GZIP (keys = column names).
//
// Streaming end to end: the source is read with openRead; each table's lines go into a PassThrough,
// through gzip, into putStream. When a table's stream is full, the flattener waits for it to drain, so
// the slowest upload sets the pace and memory stays bounded whatever the input size.
//
// Outputs only ever change as a whole: every table's stream is ended only once the whole input is
// flattened, and the stores put an object in place only when its stream has ended cleanly. A failure
// (input, flattener or store) destroys every output stream, so the objects already there stay as they
// were. The same input always gives the same bytes under the same names, so re-running overwrites the
// outputs with identical objects (idempotent).
import { once } from 'node:events';
import { PassThrough, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ObjectStore } from '../ports.ts';
import { flattenAssessments, type FlattenSummary } from './flatten.ts';
import type { FlatRowSink } from './sinks.ts';
import { ASSESSMENT_TABLE_NAMES, type AssessmentTable } from './tables.ts';

export interface FlattenObjectInput {
  /** the raw attempts object: a JSON array or JSON lines, gzip or not (see flatten.ts) */
  sourceUri: string;
  /** each table goes to `<outputPrefixUri><table>.jsonl.gz` */
  outputPrefixUri: string;
}

export interface FlattenedObject {
  uri: string;
  /** JSON lines (rows) in the object */
  rows: number;
}

export interface FlattenObjectResult {
  summary: FlattenSummary;
  outputs: Record<AssessmentTable, FlattenedObject>;
}

/** Characters of JSON lines gathered per table before they are written to its stream. */
const BLOCK_CHARS = 1 << 16;

interface TableStream {
  /** JSON lines, before gzip */
  lines: PassThrough;
  /** settles when the store has the object, or has given up on it */
  stored: Promise<void>;
  pending: string;
}

/** Where flattenObject writes `table` for `outputPrefixUri`. */
export function flattenedObjectUri(outputPrefixUri: string, table: AssessmentTable): string {
  return `${outputPrefixUri}${table}.jsonl.gz`;
}

/**
 * Flattens the object at `sourceUri` into one gzip JSON-lines object per table under `outputPrefixUri`.
 * @throws AssessmentsInputError naming `sourceUri` when the input cannot be read (see flatten.ts); the store's
 *   error when the source is missing or an output cannot be written. Outputs are then left untouched.
 */
export async function flattenObject(store: ObjectStore, input: FlattenObjectInput): Promise<FlattenObjectResult> {
  const source = await store.openRead(input.sourceUri);
  const writeFailed = new AbortController();
  const streams = {} as Record<AssessmentTable, TableStream>;
  for (const table of ASSESSMENT_TABLE_NAMES) {
    const lines = new PassThrough();
    const stored = store.putStream(flattenedObjectUri(input.outputPrefixUri, table), pipeline(lines, createGzip(), ignore));
    // a store that stops reading would otherwise leave the flattener waiting for a drain forever
    stored.catch((error: unknown) => writeFailed.abort(error));
    streams[table] = { lines, stored, pending: '' };
  }

  const flush = (stream: TableStream): Promise<void> | undefined => {
    if (stream.pending === '') return undefined;
    const ok = stream.lines.write(stream.pending);
    stream.pending = '';
    return ok ? undefined : once(stream.lines, 'drain', { signal: writeFailed.signal }).then(ignore);
  };
  const sink: FlatRowSink = {
    write(table, row) {
      writeFailed.signal.throwIfAborted();
      const stream = streams[table];
      stream.pending += `${JSON.stringify(row)}\n`;
      return stream.pending.length >= BLOCK_CHARS ? flush(stream) : undefined;
    },
  };

  let summary: FlattenSummary;
  try {
    try {
      summary = await flattenAssessments(source, sink, { source: input.sourceUri });
    } finally {
      source.destroy();
    }
    for (const stream of Object.values(streams)) {
      await flush(stream);
      stream.lines.end();
    }
    await Promise.all(Object.values(streams).map((stream) => stream.stored));
  } catch (error) {
    // the store's own error explains a failure better than the abort it caused
    const cause: unknown = writeFailed.signal.aborted ? writeFailed.signal.reason : error;
    const reason = cause instanceof Error ? cause : new Error(String(cause));
    for (const stream of Object.values(streams)) stream.lines.destroy(reason);
    await Promise.allSettled(Object.values(streams).map((stream) => stream.stored));
    throw cause;
  }

  const outputs = {} as Record<AssessmentTable, FlattenedObject>;
  for (const table of ASSESSMENT_TABLE_NAMES) {
    outputs[table] = { uri: flattenedObjectUri(input.outputPrefixUri, table), rows: summary.rows[table] };
  }
  return { summary, outputs };
}

function ignore(): void {}
