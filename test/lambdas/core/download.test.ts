// GIVEN a file served by a local HTTP server (node:http, started here) WHEN downloadToLanding fetches
// it THEN it lands complete with its size and SHA-256 recorded, or not at all: a connection dropped
// mid-body is retried and never leaves a partial object, refusals and wrong checksums land nothing,
// an unchanged file (304, or the same digest) is not rewritten, and a large body streams through.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadRecord, downloadToLanding, type DownloadOptions } from '../../../lambdas/core/download.ts';
import { DownloadFailed, DownloadRejected } from '../../../lambdas/core/errors.ts';
import type { DownloadSpec } from '../../../lib/pipelines/spec.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { MemoryStore } from '../../support/fake-deps.ts';

const SETTINGS = { landingBucket: 'landing', workBucket: 'work' };
const RUN_DATE = '2018-11-01';
/** Quick retries: the tests wait for servers, not for backoff. */
const FAST: DownloadOptions = { attempts: 3, backoffMs: 5, timeoutMs: 10_000 };
const SONGS = 's3://landing/song_data/song.csv';
const SONGS_RECORD = 's3://work/downloads/song_data/song.csv.download.json';

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** What the server saw of one request. */
interface Hit {
  url: string;
  headers: IncomingHttpHeaders;
  at: number;
}

type Respond = (request: IncomingMessage, response: ServerResponse, hit: number) => unknown;

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server on a free loopback port; `respond` answers request number `hit` (from 1). */
async function serve(respond: Respond): Promise<{ base: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((request, response) => {
    hits.push({ url: request.url ?? '', headers: request.headers, at: Date.now() });
    void respond(request, response, hits.length);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  servers.push({
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** Sends `body` whole with a Content-Length and the given headers. */
function send(response: ServerResponse, body: Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-length': String(body.length), ...headers });
  response.end(body);
}

/** Declares the whole body, sends its first `bytes` and drops the connection. */
function dropAfter(response: ServerResponse, body: Buffer, bytes: number): void {
  response.writeHead(200, { 'content-length': String(body.length) });
  response.write(body.subarray(0, bytes), () => response.socket?.destroy());
}

/** A MemoryStore that remembers every object it committed, so a partial one would be seen. */
class RecordingStore extends MemoryStore {
  readonly commits: { uri: string; sha256: string; bytes: number }[] = [];

  override async putStream(uri: string, body: Readable): Promise<void> {
    await super.putStream(uri, body);
    const stored = this.objects.get(uri)!;
    this.commits.push({ uri, sha256: sha256(stored), bytes: stored.length });
  }
}

function songs(base: string, more: Partial<DownloadSpec> = {}): DownloadSpec {
  return { name: 'songs', url: `${base}/song.csv`, key: 'song_data/song.csv', ...more };
}

describe('downloadToLanding', () => {
  it('GIVEN a file WHEN downloaded THEN it lands whole, with its size, SHA-256 and the validators recorded', async () => {
    const body = randomBytes(300_000);
    const { base, hits } = await serve((_, response) =>
      send(response, body, { etag: '"v1"', 'last-modified': 'Thu, 01 Nov 2018 00:00:00 GMT' }),
    );
    const store = new RecordingStore();

    const result = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect(result).toEqual({ name: 'songs', url: `${base}/song.csv`, uri: SONGS, bytes: body.length, sha256: sha256(body), skipped: false });
    expect(store.objects.get(SONGS)?.equals(body)).toBe(true);
    const record = downloadRecord.parse(JSON.parse(store.objects.get(SONGS_RECORD)!.toString()));
    expect(record).toEqual({
      url: `${base}/song.csv`,
      size: body.length,
      sha256: sha256(body),
      etag: '"v1"',
      lastModified: 'Thu, 01 Nov 2018 00:00:00 GMT',
      downloadedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.headers['accept-encoding']).toBe('identity');
    expect(hits[0]!.headers['if-none-match']).toBeUndefined();
  });

  it('GIVEN a connection dropped mid-file WHEN the retry succeeds THEN the landed object is complete and no partial one was ever committed', async () => {
    const body = randomBytes(1_000_000);
    const { base, hits } = await serve((_, response, hit) => (hit === 1 ? dropAfter(response, body, 200_000) : send(response, body)));
    const store = new RecordingStore();

    const result = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect(hits).toHaveLength(2);
    expect(result).toMatchObject({ bytes: body.length, sha256: sha256(body), skipped: false });
    expect(store.objects.get(SONGS)?.equals(body)).toBe(true);
    expect(store.commits).toEqual([{ uri: SONGS, sha256: sha256(body), bytes: body.length }]);
  });

  it('GIVEN a connection dropped mid-file WHEN landing in a folder THEN the file is complete and no temporary file is left', async () => {
    const body = randomBytes(1_000_000);
    const { base } = await serve((_, response, hit) => (hit === 1 ? dropAfter(response, body, 500_000) : send(response, body)));
    const dir = await mkdtemp(join(tmpdir(), 'redline-download-'));
    const store = new FilesystemObjectStore({ landing: join(dir, 'landing'), work: join(dir, 'work') });

    await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect((await readFile(join(dir, 'landing/song_data/song.csv'))).equals(body)).toBe(true);
    expect(await readdir(join(dir, 'landing/song_data'))).toEqual(['song.csv']);
  });

  it('GIVEN a connection that always drops WHEN the attempts are spent THEN DownloadFailed, and nothing landed', async () => {
    const body = randomBytes(100_000);
    const { base, hits } = await serve((_, response) => dropAfter(response, body, 10_000));
    const store = new RecordingStore();

    const error = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadFailed);
    expect((error as Error).name).toBe('DownloadFailed');
    expect((error as Error).message).toMatch(/broke off.*gave up after 3 attempt\(s\)/);
    expect(hits).toHaveLength(3);
    expect(store.objects.size).toBe(0);
  });

  it('GIVEN a server that refuses the connection WHEN the attempts are spent THEN DownloadFailed', async () => {
    const { base } = await serve(() => undefined);
    servers.splice(0).forEach((s) => s.close());

    await expect(downloadToLanding(new MemoryStore(), SETTINGS, songs(base), RUN_DATE, FAST)).rejects.toThrow(DownloadFailed);
  });

  it('GIVEN a server that stalls mid-body WHEN an attempt outlasts its timeout THEN it is retried like a dropped connection', async () => {
    const body = randomBytes(100_000);
    const { base, hits } = await serve((_, response, hit) => {
      if (hit === 1) {
        response.writeHead(200, { 'content-length': String(body.length) });
        response.write(body.subarray(0, 1000));
      } else {
        send(response, body);
      }
    });
    const store = new RecordingStore();

    const result = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, { ...FAST, timeoutMs: 300 });

    expect(hits).toHaveLength(2);
    expect(result.sha256).toBe(sha256(body));
    expect(store.commits).toHaveLength(1);
  });

  it('GIVEN 503 and then 429 with Retry-After WHEN downloaded THEN both are retried, the second after the time the server asked for', async () => {
    const body = Buffer.from('song_id,title\nS1,One\n');
    const { base, hits } = await serve((_, response, hit) => {
      if (hit === 1) response.writeHead(503).end();
      else if (hit === 2) response.writeHead(429, { 'retry-after': '1' }).end();
      else send(response, body);
    });

    const result = await downloadToLanding(new MemoryStore(), SETTINGS, songs(base), RUN_DATE, FAST);

    expect(result.bytes).toBe(body.length);
    expect(hits).toHaveLength(3);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('GIVEN 404 WHEN downloaded THEN DownloadRejected at once, and nothing landed', async () => {
    const { base, hits } = await serve((_, response) => response.writeHead(404, 'Not Found').end('no such file'));
    const store = new MemoryStore();

    const error = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadRejected);
    expect((error as Error).message).toBe(`${base}/song.csv answered 404 Not Found`);
    expect(hits).toHaveLength(1);
    expect(store.objects.size).toBe(0);
  });

  it('GIVEN an expected checksum WHEN the body has another THEN DownloadRejected and nothing landed; WHEN it matches THEN it lands', async () => {
    const body = randomBytes(200_000);
    const { base, hits } = await serve((_, response) => send(response, body));
    const store = new RecordingStore();

    const wrong = songs(base, { sha256: sha256(Buffer.from('another file')) });
    const error = await downloadToLanding(store, SETTINGS, wrong, RUN_DATE, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadRejected);
    expect((error as Error).message).toMatch(/checksum mismatch/);
    expect(hits).toHaveLength(1);
    expect(store.objects.size).toBe(0);
    expect(store.commits).toEqual([]);

    const right = await downloadToLanding(store, SETTINGS, songs(base, { sha256: sha256(body) }), RUN_DATE, FAST);
    expect(right).toMatchObject({ sha256: sha256(body), skipped: false });
    expect(store.objects.get(SONGS)?.equals(body)).toBe(true);
  });

  it('GIVEN maxBytes WHEN the declared or the streamed size is over it THEN DownloadRejected and nothing landed', async () => {
    const body = randomBytes(50_000);
    const { base } = await serve((request, response) => {
      if (request.url === '/declared.csv') return send(response, body);
      response.writeHead(200, { 'transfer-encoding': 'chunked' });
      response.end(body);
    });
    const store = new MemoryStore();
    const declared = { name: 'declared', url: `${base}/declared.csv`, key: 'a/declared.csv', maxBytes: 10_000 };
    const chunked = { name: 'chunked', url: `${base}/chunked.csv`, key: 'a/chunked.csv', maxBytes: 10_000 };

    await expect(downloadToLanding(store, SETTINGS, declared, RUN_DATE, FAST)).rejects.toThrow(/50000 bytes, over maxBytes 10000/);
    await expect(downloadToLanding(store, SETTINGS, chunked, RUN_DATE, FAST)).rejects.toThrow(/grew over maxBytes 10000/);
    expect(store.objects.size).toBe(0);
  });

  it('GIVEN a file landed with an ETag WHEN downloaded again THEN the server answers 304 and the object is left untouched', async () => {
    const body = randomBytes(100_000);
    const { base, hits } = await serve((request, response) => {
      if (request.headers['if-none-match'] === '"v1"') return response.writeHead(304).end();
      send(response, body, { etag: '"v1"' });
    });
    const store = new RecordingStore();
    await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);
    const record = store.objects.get(SONGS_RECORD);

    const again = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect(again).toEqual({ name: 'songs', url: `${base}/song.csv`, uri: SONGS, bytes: body.length, sha256: sha256(body), skipped: true });
    expect(hits.map((h) => h.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(store.commits).toHaveLength(1);
    expect(store.objects.get(SONGS_RECORD)).toBe(record);
  });

  it('GIVEN a file landed with a Last-Modified WHEN downloaded again THEN it is asked with If-Modified-Since, and a 304 skips it', async () => {
    const lastModified = 'Thu, 01 Nov 2018 00:00:00 GMT';
    const { base, hits } = await serve((request, response) => {
      if (request.headers['if-modified-since'] === lastModified) return response.writeHead(304).end();
      send(response, Buffer.from('a,b\n1,2\n'), { 'last-modified': lastModified });
    });
    const store = new RecordingStore();
    await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect((await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST)).skipped).toBe(true);
    expect(hits[1]!.headers['if-modified-since']).toBe(lastModified);
    expect(store.commits).toHaveLength(1);
  });

  it('GIVEN a server without validators WHEN the same body comes again THEN it is skipped without rewriting; WHEN it changed THEN it is landed', async () => {
    let body = randomBytes(100_000);
    const { base } = await serve((_, response) => send(response, body));
    const store = new RecordingStore();
    await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    const same = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);
    expect(same).toMatchObject({ skipped: true, sha256: sha256(body) });
    expect(store.commits).toHaveLength(1);

    body = randomBytes(100_000);
    const changed = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);
    expect(changed).toMatchObject({ skipped: false, sha256: sha256(body) });
    expect(store.objects.get(SONGS)?.equals(body)).toBe(true);
    expect(JSON.parse(store.objects.get(SONGS_RECORD)!.toString())).toMatchObject({ sha256: sha256(body) });
  });

  it('GIVEN a record whose landed object was replaced since WHEN downloaded THEN it is fetched unconditionally and landed again', async () => {
    const body = randomBytes(10_000);
    const { base, hits } = await serve((_, response) => send(response, body, { etag: '"v1"' }));
    const store = new RecordingStore();
    await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);
    await store.put(SONGS, 'someone else wrote this');

    const again = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect(again.skipped).toBe(false);
    expect(hits[1]!.headers['if-none-match']).toBeUndefined();
    expect(store.objects.get(SONGS)?.equals(body)).toBe(true);
  });

  it('GIVEN URL and key templated by the run date WHEN downloaded THEN the day of the run is fetched and landed', async () => {
    const { base, hits } = await serve((request, response) => send(response, Buffer.from(`events of ${request.url}\n`)));
    const store = new MemoryStore();
    const events = { name: 'events', url: `${base}/logs/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.csv`, key: 'log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.csv' };

    const result = await downloadToLanding(store, SETTINGS, events, '2018-11-05', FAST);

    expect(hits.map((h) => h.url)).toEqual(['/logs/2018/11/2018-11-05-events.csv']);
    expect(result).toMatchObject({ url: `${base}/logs/2018/11/2018-11-05-events.csv`, uri: 's3://landing/log_data/2018/11/2018-11-05-events.csv' });
    expect(store.objects.get(result.uri)?.toString()).toBe('events of /logs/2018/11/2018-11-05-events.csv\n');
    expect(store.objects.has('s3://work/downloads/log_data/2018/11/2018-11-05-events.csv.download.json')).toBe(true);
  });

  it('GIVEN a 50 MB body generated as it is sent WHEN downloaded THEN it streams: the server is never far ahead of the store, and the heap stays small', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = 64 * 1024;
    let sent = 0;
    const served = createHash('sha256');
    const { base } = await serve(async (_, response) => {
      response.writeHead(200, { 'content-length': String(total) });
      while (sent < total) {
        const piece = Buffer.alloc(Math.min(chunk, total - sent), sent / chunk);
        served.update(piece);
        sent += piece.length;
        if (!response.write(piece)) await new Promise((drained) => response.once('drain', drained));
      }
      response.end();
    });
    // How far the server got ahead of the store (bytes sent but not yet stored when a chunk arrives): a
    // body held whole would show all 50 MB. Buffers live outside the JS heap, so the heap shows what
    // the code itself keeps; garbage buffers not yet collected would make a reading of them meaningless.
    const landed = { bytes: 0, maxLag: 0, maxHeapGrowth: 0 };
    const heapAtStart = process.memoryUsage().heapUsed;
    const store = new (class extends MemoryStore {
      /** Consumes the body as a store would, keeping only its count (the bytes go nowhere). */
      override async putStream(_uri: string, body: Readable): Promise<void> {
        for await (const piece of body) {
          landed.maxLag = Math.max(landed.maxLag, sent - landed.bytes);
          landed.bytes += (piece as Buffer).length;
          landed.maxHeapGrowth = Math.max(landed.maxHeapGrowth, process.memoryUsage().heapUsed - heapAtStart);
        }
      }
    })();

    const result = await downloadToLanding(store, SETTINGS, songs(base), RUN_DATE, FAST);

    expect(result.bytes).toBe(total);
    expect(landed.bytes).toBe(total);
    expect(result.sha256).toBe(served.digest('hex'));
    expect(landed.maxLag).toBeLessThan(16 * 1024 * 1024);
    expect(landed.maxHeapGrowth).toBeLessThan(32 * 1024 * 1024);
  });
});
