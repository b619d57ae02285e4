// Extract: copies tables of an operational database into the landing bucket as CSV (header row,
// NULL as an empty field), where the pipeline's sources COPY them from. A table with an
// incremental column yields only the rows past its watermark; others are extracted whole. Rows
// stream from the database to the store: a large table never sits whole in memory.
import { Readable } from 'node:stream';
import type { RuntimeSettings } from './deps.ts';
import { landingUri } from './locations.ts';
import type { ObjectStore, SourceDatabase } from './ports.ts';
import type { ExtractSpec, ExtractTableSpec } from '../../lib/pipelines/spec.ts';

export interface ExtractedTable {
  table: string;
  uri: string;
  rows: number;
  /** The watermark the rows were extracted past; absent for a whole-table extract. */
  after?: number;
}

/** Extracts every table of `extract`; `watermarks` holds the highest value imported per incremental table. */
export async function extractTables(
  database: SourceDatabase,
  store: ObjectStore,
  settings: RuntimeSettings,
  extract: ExtractSpec,
  watermarks: Readonly<Record<string, number>>,
): Promise<ExtractedTable[]> {
  const extracted: ExtractedTable[] = [];
  for (const table of extract.tables) {
    const after = table.incremental ? (watermarks[table.table] ?? 0) : undefined;
    const uri = landingUri(settings, table.key);
    const counter = { rows: 0 };
    await store.putStream(uri, Readable.from(csvLines(table, database.streamRows(...extractQuery(table, after)), counter)));
    extracted.push({ table: table.table, uri, rows: counter.rows, ...(after === undefined ? {} : { after }) });
  }
  return extracted;
}

/** The SELECT of one table (identifiers from a validated spec, the watermark bound as a value). */
export function extractQuery(table: ExtractTableSpec, after: number | undefined): [string, number[]] {
  const columns = table.columns.map(quoteMysql).join(', ');
  const order = quoteMysql(table.incremental?.column ?? table.columns[0]!);
  if (after === undefined) return [`SELECT ${columns} FROM ${quoteMysql(table.table)} ORDER BY ${order}`, []];
  return [`SELECT ${columns} FROM ${quoteMysql(table.table)} WHERE ${order} > ? ORDER BY ${order}`, [after]];
}

async function* csvLines(
  table: ExtractTableSpec,
  rows: AsyncIterable<(string | null)[]>,
  counter: { rows: number },
): AsyncIterable<string> {
  yield `${table.columns.join(',')}\n`;
  for await (const row of rows) {
    counter.rows += 1;
    yield `${row.map(csvField).join(',')}\n`;
  }
}

/** RFC 4180, NULL as an empty field (COPY's EMPTYASNULL / BLANKSASNULL read it back as NULL). */
export function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

function quoteMysql(identifier: string): string {
  return `\`${identifier}\``;
}
