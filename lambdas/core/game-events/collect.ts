// The collector's HTTP-independent core, shared by the cloud collector (lambdas/aws/collector-entry.ts,
// behind API Gateway) and usable by the local one (lib/local/collector/server.ts): one request — its
// method, path, content type, body and headers — mapped to the response the game API gives and, for an
// accepted event, the enriched record to land. Pure: the arrival time and event id come in with the call.
// Every declared route takes GET (fields as query parameters) and POST (a JSON body of at most 64 KiB,
// UTF-8: a body given as bytes that are not is refused with 400, never landed with U+FFFD in their place).
import { routeTable } from '../../../lib/pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../../lib/pipelines/game-events/event-types.ts';
import { enrichEvent, type EventIssue, type GameEventRecord, type RequestHeaders } from './enrich.ts';

/** POST bodies larger than this many bytes are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The methods every declared route accepts. */
export const ALLOWED_METHODS = ['GET', 'POST'] as const;

/** Query parameters by name. */
export type QueryParameters = Readonly<Record<string, string>>;

export interface CollectRequest {
  /** The HTTP method, any letter case. */
  method: string;
  /** The request path without the query string, e.g. '/purchase_a_sword'. */
  path: string;
  /** The Content-Type header, if any; a POST must be application/json (parameters such as charset allowed). */
  contentType?: string | undefined;
  /**
   * GET: the query parameters (see queryParameters()); POST: the body's bytes as received (decoded
   * here as strict UTF-8), or its text when it arrives already decoded.
   */
  body: Uint8Array | string | QueryParameters;
  /** The size of the POST body in bytes as received (not decoded); over the limit it is refused unread. */
  bodyBytes: number;
  /** Request headers, any letter case; Host, User-Agent and Accept are recorded. */
  headers: RequestHeaders;
}

export interface CollectContext {
  /** The server's arrival time of the request. */
  now: Date;
  /** The id an accepted event is recorded under. */
  eventId: string;
  /**
   * POST bodies over this many bytes are refused with 413.
   * @default MAX_BODY_BYTES (64 KiB)
   */
  maxBodyBytes?: number;
}

/** An accepted event: answer 202 once `record` has been handed on for landing. */
export interface Accepted {
  status: 202;
  eventType: EventTypeName;
  body: { event_id: string };
  record: GameEventRecord;
}

/** A refused event of a declared route: invalid (400), too large (413) or not JSON (415). */
export interface Rejected {
  status: 400 | 413 | 415;
  eventType: EventTypeName;
  body: { error: string; event_type?: EventTypeName; issues?: readonly EventIssue[] };
}

/** A request for no declared route (404) or with a method other than GET and POST (405, with an Allow header). */
export interface NotRouted {
  status: 404 | 405;
  body: { error: string; routes?: string[] };
  headers?: Readonly<Record<string, string>>;
}

export type CollectResponse = Accepted | Rejected | NotRouted;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether `contentType` names JSON (`application/json`, with or without parameters). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The parameters of a raw query string ('a=1&b=two'); of a repeated name the first value counts. */
export function queryParameters(rawQueryString: string): QueryParameters {
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    if (!parameters.has(name)) parameters.set(name, value);
  }
  return Object.fromEntries(parameters);
}

/** The line an accepted event lands as: its record as JSON, newline-terminated. */
export function landingLine(record: GameEventRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** The response to one request and, when it is accepted, the record to land. */
export function collectRequest(request: CollectRequest, context: CollectContext): CollectResponse {
  const eventType = routeTable().get(request.path);
  if (eventType === undefined) {
    return { status: 404, body: { error: `no event route ${request.path}`, routes: [...routeTable().keys()] } };
  }
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return {
      status: 405,
      body: { error: `${method} is not allowed; use GET or POST` },
      headers: { Allow: ALLOWED_METHODS.join(', ') },
    };
  }
  if (method === 'POST') {
    if (!isJsonContentType(request.contentType)) return { status: 415, eventType, body: { error: 'a POST body must be application/json' } };
    const maxBodyBytes = context.maxBodyBytes ?? MAX_BODY_BYTES;
    if (request.bodyBytes > maxBodyBytes) return { status: 413, eventType, body: { error: `the body is over ${maxBodyBytes} bytes` } };
  }
  const body = request.body instanceof Uint8Array ? utf8Text(request.body) : request.body;
  if (body === undefined) return invalidEvent(eventType, [{ path: '', message: 'not valid UTF-8' }]);
  const enrichment = enrichEvent(eventType, body, request.headers, context.now, context.eventId);
  if (!enrichment.ok) return invalidEvent(eventType, enrichment.rejection.issues);
  return { status: 202, eventType, body: { event_id: enrichment.record.event_id }, record: enrichment.record };
}

/** `bytes` as text, or undefined when they are not UTF-8; a byte-order mark is kept (and is not JSON). */
function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function invalidEvent(eventType: EventTypeName, issues: readonly EventIssue[]): Rejected {
  return { status: 400, eventType, body: { error: 'invalid event', event_type: eventType, issues } };
}
