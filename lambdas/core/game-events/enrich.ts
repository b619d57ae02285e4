// Enrichment of one incoming game event (the seed's log_to_kafka: the event merged with the request
// headers): the body validated against its type's declared fields, plus the event id, the server's
// arrival time, Host, User-Agent, Accept and the body exactly as received. The result is one flat
// record whose keys are the columns of the type's table, ready to land as a JSON line.
import type { z } from 'zod';
import { RedlineError } from '../errors.ts';
import { bodySchema, eventTypeNamed, type FieldValue } from '../../../lib/pipelines/game-events/derive.ts';
import { LEADING_COLUMNS, RAW_EVENT_COLUMN, type EventTypeName } from '../../../lib/pipelines/game-events/event-types.ts';

/** One landed event: the leading columns, the type's fields, then raw_event. */
export interface GameEventRecord {
  event_id: string;
  event_type: EventTypeName;
  /** Server arrival time, UTC, 'YYYY-MM-DD HH:MM:SS.mmm'. */
  event_ts: string;
  host: string | null;
  user_agent: string | null;
  accept: string | null;
  raw_event: string;
  [field: string]: FieldValue;
}

/** What was wrong with an event: the field (dotted path, '' for the body itself) and why. */
export interface EventIssue {
  path: string;
  message: string;
}

/** An event whose body does not match its type's declaration; nothing of it lands. */
export class InvalidGameEvent extends RedlineError {
  override readonly name = 'InvalidGameEvent';
  constructor(
    readonly eventType: EventTypeName,
    readonly issues: readonly EventIssue[],
  ) {
    super(`invalid ${eventType} event: ${issues.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; ')}`);
  }
}

export type Enrichment = { ok: true; record: GameEventRecord } | { ok: false; rejection: InvalidGameEvent };

export type RequestHeaders = Readonly<Record<string, string | undefined>>;

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, a format Redshift's TIMEFORMAT 'auto' reads. */
export function serverTimestamp(now: Date): string {
  return now.toISOString().replace('T', ' ').slice(0, 23);
}

/** The longest prefix of `value` that fits in `maxBytes` bytes of UTF-8, never splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end);
}

/** The leading columns taken from a request header: the column, the header's lower-case name, the column's size. */
const HEADER_COLUMNS = LEADING_COLUMNS.flatMap(({ name, header, type }) =>
  header === undefined ? [] : [{ name, header, maxBytes: type.maxBytes ?? Infinity }],
);

/** The value of the header `lowerCaseName` among `headers` of any letter case (node and API Gateway give them lower-cased). */
function headerNamed(headers: RequestHeaders, lowerCaseName: string): string | undefined {
  if (Object.hasOwn(headers, lowerCaseName)) return headers[lowerCaseName];
  for (const name in headers) if (name.toLowerCase() === lowerCaseName) return headers[name];
  return undefined;
}

/**
 * Validates and enriches one event of `type`.
 * @param body the JSON text of a POST body exactly as received (parsed here; blank counts as `{}`), or
 *   the already-parsed fields of a GET (its query parameters), recorded in raw_event as JSON
 * @param headers request headers, any letter case; values longer than their column are cut to fit
 * @param now the server's arrival time
 * @param id the event id to record
 * @returns the record, or a rejection listing every issue (unparseable JSON, missing or invalid fields)
 */
export function enrichEvent(type: EventTypeName, body: unknown, headers: RequestHeaders, now: Date, id: string): Enrichment {
  const declaration = eventTypeNamed(type);
  const reject = (issues: EventIssue[]): Enrichment => ({ ok: false, rejection: new InvalidGameEvent(declaration.name, issues) });

  const raw = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  const rawLimit = RAW_EVENT_COLUMN.type.maxBytes ?? Infinity;
  if (Buffer.byteLength(raw, 'utf8') > rawLimit) return reject([{ path: '', message: `the event is over ${rawLimit} bytes` }]);

  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      return reject([{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
    }
  }
  const result = bodySchema(declaration.name).safeParse(parsed);
  if (!result.success) return reject(issuesOf(result.error));

  const headerColumns: Record<string, string | null> = {};
  for (const { name, header, maxBytes } of HEADER_COLUMNS) {
    const value = headerNamed(headers, header);
    headerColumns[name] = value === undefined ? null : truncateUtf8(value, maxBytes);
  }
  const record: GameEventRecord = {
    event_id: id,
    event_type: declaration.name,
    event_ts: serverTimestamp(now),
    host: null,
    user_agent: null,
    accept: null,
    ...headerColumns,
    ...result.data,
    raw_event: raw,
  };
  return { ok: true, record };
}

function issuesOf(error: z.ZodError): EventIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
