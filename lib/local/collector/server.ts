// The local event collector behind `redline serve`: the seed's Flask game API as an HTTP server (hono on
// @hono/node-server). Every declared route takes GET (fields as query parameters) and POST (a JSON body);
// each event is validated and enriched, then buffered and landed Firehose-style as gzip JSON lines in the
// landing bucket's folder. close() stops taking requests, lets those under way finish, and flushes
// every buffer, so a shutdown loses no accepted event.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { MAX_BODY_BYTES, collectRequest, isJsonContentType } from '../../../lambdas/core/game-events/collect.ts';
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

/** The body as UTF-8 text, or undefined once it (or its declared Content-Length) is over `maxBytes`; reading stops there. */
async function readBody(request: Request, maxBytes: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return undefined;
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString('utf8');
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

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const app = new Hono();
  app.use(async (_c, next) => {
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  });

  // Routing, limits, validation and enrichment are the cloud collector's (collectRequest); this
  // server only reads the request and lands what is accepted.
  app.all('*', async (c) => {
    const contentType = c.req.header('content-type');
    const post = c.req.method.toUpperCase() === 'POST';
    const text = post && isJsonContentType(contentType) ? await readBody(c.req.raw, maxBodyBytes) : '';
    const response = collectRequest(
      {
        method: c.req.method,
        path: c.req.path,
        contentType,
        body: post ? (text ?? '') : c.req.query(),
        bodyBytes: text === undefined ? Number.POSITIVE_INFINITY : Buffer.byteLength(text),
        headers: c.req.header(),
      },
      { now: new Date(), eventId: randomUUID(), maxBodyBytes },
    );
    if (response.status === 202) {
      buffer.append(response.eventType, response.record);
      accepted[response.eventType]++;
    } else if ('eventType' in response) {
      rejected[response.eventType]++;
    }
    return c.json(response.body, response.status, 'headers' in response ? response.headers : undefined);
  });
  app.onError((error, c) => {
    if (error instanceof LandingBufferClosed) return c.json({ error: 'the collector is shutting down' }, 503);
    console.error(`[collector] ${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json({ error: 'internal error' }, 500);
  });

  const hostname = options.hostname ?? '127.0.0.1';
  const server = serve({ fetch: app.fetch, port: options.port, hostname, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
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
