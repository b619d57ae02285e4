// Where the assessments flattener sends its rows: the FlatRowSink contract (rows arrive table by
// table as they are produced; a returned promise holds the reader back), a sink writing one gzip
// JSON-lines file per table for COPY (keys = column names, in column order), and an in-memory sink
// for small inputs and tests.

import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { ASSESSMENT_TABLE_NAMES, type AssessmentRow, type AssessmentTable } from './tables.ts';

export interface FlatRowSink {
  /** Takes one row of `table`. Return a promise to make the flattener wait (backpressure). */
  write<T extends AssessmentTable>(table: T, row: AssessmentRow<T>): void | Promise<void>;
}

export interface JsonLinesFile {
  file: string;
  rows: number;
  /** uncompressed bytes */
  bytes: number;
}

export interface JsonLinesSink extends FlatRowSink {
  /** Flushes and closes every file; returns what each holds. */
  close(): Promise<Record<AssessmentTable, JsonLinesFile>>;
}

const BLOCK_CHARS = 1 << 16;

interface TableFile {
  gzip: Gzip;
  done: Promise<void>;
  pending: string;
  info: JsonLinesFile;
}

/** Writes `<dir>/<table>.jsonl.gz` for every table (created at once, empty tables included). */
export function jsonLinesSink(dir: string): JsonLinesSink {
  mkdirSync(dir, { recursive: true });
  let failure: unknown = null;
  const files = {} as Record<AssessmentTable, TableFile>;
  for (const table of ASSESSMENT_TABLE_NAMES) {
    const file = join(dir, `${table}.jsonl.gz`);
    const gzip = createGzip();
    const done = pipeline(gzip, createWriteStream(file));
    done.catch((error: unknown) => {
      failure ??= error;
    });
    files[table] = { gzip, done, pending: '', info: { file, rows: 0, bytes: 0 } };
  }

  const flush = (t: TableFile): Promise<void> | undefined => {
    if (t.pending === '') return undefined;
    const ok = t.gzip.write(t.pending);
    t.info.bytes += Buffer.byteLength(t.pending);
    t.pending = '';
    return ok ? undefined : once(t.gzip, 'drain').then(() => undefined);
  };

  return {
    write(table, row) {
      if (failure !== null) throw failure;
      const t = files[table];
      t.pending += `${JSON.stringify(row)}\n`;
      t.info.rows++;
      return t.pending.length >= BLOCK_CHARS ? flush(t) : undefined;
    },
    async close() {
      for (const t of Object.values(files)) {
        await flush(t);
        t.gzip.end();
      }
      await Promise.all(Object.values(files).map((t) => t.done));
      if (failure !== null) throw failure;
      const out = {} as Record<AssessmentTable, JsonLinesFile>;
      for (const table of ASSESSMENT_TABLE_NAMES) out[table] = { ...files[table].info };
      return out;
    },
  };
}

export interface ArraySink extends FlatRowSink {
  readonly rows: { [T in AssessmentTable]: AssessmentRow<T>[] };
}

/** Keeps every row in memory, per table. */
export function arraySink(): ArraySink {
  const rows = { assessments: [], assessment_questions: [], assessment_options: [], assessment_rejects: [] } as { [T in AssessmentTable]: AssessmentRow<T>[] };
  return {
    rows,
    write(table, row) {
      rows[table].push(row);
    },
  };
}
