// The local event collector behind `redline serve`: the seed's Flask game API as a plain node:http
// server (a web framework's adapter, building a fetch Request and Response around every request, cost
// more than the event's own work). Every declared route takes GET (fields as query parameters) and POST
// (a JSON body); each event is validated and enriched, then buffered and landed Firehose-style as gzip
// JSON lines in the landing bucket's folder. close() stops taking requests, lets those under way finish,
// and flushes every buffer, so a shutdown loses no accepted event.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, collectRequest, isJsonContentType, queryParameters } from '../../../lambdas/core/game-events/collect.ts';
import type { RequestHeaders } from '../../../lambdas/core/game-events/enrich.ts';
import { LandingBuffer, LandingBufferClosed } from '../../../lambdas/core/game-events/landing-buffer.ts';
import { EVENT_TYPE_NAMES } from '../../pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../pipelines/game-events/event-types.ts';
import { FilesystemObjectStore } from '../filesystem-store.ts';
import { LOCAL_SETTINGS } from '../local-environment.ts';

export const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES;

export interface CollectorOptions {
  /** 0 picks a free port (see `url`). */
  port: number;
  /** The folder standing for the landing bucket; events land under its events/ folder. */
  dataDir: string;
  /** Flush a type's buffer at this many uncompressed bytes (default 1 MiB). */
  bufferBytes?: number;
  /** Flush a type's buffer this many seconds after its oldest event (default 60). */
  bufferSeconds?: number;
  /** Larger POST bodies are refused with 413 (default 64 KiB). */
  maxBodyBytes?: number;
  /** The address to listen on (default 127.0.0.1; 0.0.0.0 to take events from other machines). */
  hostname?: string;
}

export interface CollectorStats {
  accepted: Record<EventTypeName, number>;
  /** Refused events of a known route: invalid (400), too large (413) or not JSON (415). */
  rejected: Record<EventTypeName, number>;
  flushedObjects: number;
  flushedRecords: number;
  pendingRecords: number;
  failedWrites: number;
}

export interface Collector {
  /** The base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  /** Stops the server and flushes every buffered event; rejects if the final write fails (call again to retry). */
  close(): Promise<void>;
  stats(): CollectorStats;
}

const perType = (): Record<EventTypeName, number> =>
  Object.fromEntries(EVENT_TYPE_NAMES.map((name) => [name, 0])) as Record<EventTypeName, number>;

const NO_BODY = Buffer.alloc(0);

/**
 * The body's bytes, or undefined once it (or its declared Content-Length) is over `maxBytes`; reading
 * stops there (node:http discards the rest).
 */
function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (Number(incoming.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        incoming.off('data', onData).off('end', onEnd);
        resolve(undefined);
      }
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    incoming.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

/** The path and the query string of a request target ('/join_a_guild?guild_id=1' → '/join_a_guild', 'guild_id=1'). */
function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf('?');
  return mark === -1 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** Answers with `body` as JSON. */
function answer(outgoing: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  outgoing.end(text);
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const store = new FilesystemObjectStore({ [LOCAL_SETTINGS.landingBucket]: options.dataDir });
  const buffer = new LandingBuffer({
    store,
    bucket: LOCAL_SETTINGS.landingBucket,
    ...(options.bufferBytes !== undefined ? { maxBytes: options.bufferBytes } : {}),
    ...(options.bufferSeconds !== undefined ? { maxSeconds: options.bufferSeconds } : {}),
  });
  const accepted = perType();
  const rejected = perType();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  // Routing, limits, UTF-8 decoding, validation and enrichment are the cloud collector's
  // (collectRequest); this server only reads the request and lands what is accepted.
  const collect = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const method = incoming.method ?? 'GET';
    const { path, query } = splitTarget(incoming.url ?? '/');
    const contentType = incoming.headers['content-type'];
    const post = method.toUpperCase() === 'POST';
    const bytes = post && isJsonContentType(contentType) ? await readBody(incoming, maxBodyBytes) : NO_BODY;
    const response = collectRequest(
      {
        method,
        path,
        contentType,
        body: post ? (bytes ?? NO_BODY) : queryParameters(query),
        bodyBytes: bytes === undefined ? Number.POSITIVE_INFINITY : bytes.byteLength,
        // node:http parses every header but Set-Cookie to one string; only Host, User-Agent and Accept are read.
        headers: incoming.headers as RequestHeaders,
      },
      { now: new Date(), eventId: randomUUID(), maxBodyBytes },
    );
    if (response.status === 202) {
      buffer.append(response.eventType, response.record);
      accepted[response.eventType]++;
    } else if ('eventType' in response) {
      rejected[response.eventType]++;
    }
    answer(outgoing, response.status, response.body, 'headers' in response ? response.headers : undefined);
  };
  const failed = (incoming: IncomingMessage, outgoing: ServerResponse, error: Error): void => {
    if (outgoing.headersSent || outgoing.destroyed) return;
    if (error instanceof LandingBufferClosed) return answer(outgoing, 503, { error: 'the collector is shutting down' });
    console.error(`[collector] ${incoming.method} ${incoming.url}: ${error.message}`);
    answer(outgoing, 500, { error: 'internal error' });
  };

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((incoming, outgoing) => {
    inFlight++;
    collect(incoming, outgoing)
      .catch((error: Error) => failed(incoming, outgoing, error))
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });
  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(options.port, hostname);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const urlHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname.includes(':') ? `[${hostname}]` : hostname;

  let stopped: Promise<void> | undefined;
  const stopServer = async (): Promise<void> => {
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeIdleConnections();
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://${urlHost}:${port}`,
    async close() {
      stopped ??= stopServer();
      await stopped;
      await buffer.close();
    },
    stats() {
      return { accepted: { ...accepted }, rejected: { ...rejected }, ...buffer.stats() };
    },
  };
}
