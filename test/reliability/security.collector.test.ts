// The local collector's limits over real HTTP: a body over the size limit is refused with 413 whether
// its Content-Length says so or it arrives chunked without one (a body at the limit is taken), a POST
// that is not application/json with 415, an unknown route with 404; nothing refused ever lands. Rate
// limiting belongs to the cloud collector (API Gateway throttling) and is not tested here.
import { request } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/local/collector/server.ts';
import { FilesystemObjectStore } from '../../lib/local/filesystem-store.ts';
import { LOCAL_SETTINGS } from '../../lib/local/local-environment.ts';

const MAX_BODY_BYTES = 1024;

/** A valid join_guild body of exactly `bytes` bytes, padded with a field the type does not declare. */
function bodyOf(bytes: number): string {
  const bare = JSON.stringify({ guild_id: 3, guild_name: 'Silver Hand', pad: '' });
  return JSON.stringify({ guild_id: 3, guild_name: 'Silver Hand', pad: 'x'.repeat(bytes - bare.length) });
}

/** POSTs `body` in two chunks with Transfer-Encoding: chunked, so no Content-Length announces its size. */
function postChunked(base: string, path: string, body: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname: url.hostname, port: url.port, path, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    });
    outgoing.on('error', reject);
    outgoing.write(body.slice(0, body.length / 2));
    outgoing.end(body.slice(body.length / 2));
  });
}

describe('security: limits of the local event collector', () => {
  let dataDir: string;
  let collector: Collector;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${collector.url}${path}`, { method: 'POST', body, headers }).then((response) => response.status);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redline-security-collector-'));
    collector = await startCollector({ port: 0, dataDir, maxBodyBytes: MAX_BODY_BYTES, bufferSeconds: 600 });
  });

  afterAll(async () => {
    await collector.close();
  });

  it('takes a body of exactly the size limit and refuses one byte more with 413', async () => {
    expect(Buffer.byteLength(bodyOf(MAX_BODY_BYTES))).toBe(MAX_BODY_BYTES);

    expect(await post('/join_a_guild', bodyOf(MAX_BODY_BYTES))).toBe(202);
    expect(await post('/join_a_guild', bodyOf(MAX_BODY_BYTES + 1))).toBe(413);
  });

  it('refuses a chunked body over the size limit with 413 though no Content-Length announced it', async () => {
    expect(await postChunked(collector.url, '/join_a_guild', bodyOf(MAX_BODY_BYTES * 4))).toBe(413);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x']])('refuses a POST of %s with 415', async (contentType) => {
    expect(await post('/join_a_guild', bodyOf(100), { 'Content-Type': contentType })).toBe(415);
  });

  it('refuses a POST without a Content-Type with 415', async () => {
    expect(await post('/join_a_guild', Buffer.from(bodyOf(100)), {})).toBe(415);
  });

  it.each([['/admin'], ['/join_a_guild/extra'], ['/..%2f..%2fetc%2fpasswd']])('refuses the unknown route %s with 404', async (path) => {
    expect(await post(path, bodyOf(100))).toBe(404);
  });

  it('lands only the event it took, none of those it refused', async () => {
    await collector.close();
    const store = new FilesystemObjectStore({ [LOCAL_SETTINGS.landingBucket]: dataDir });
    const objects = await store.list(`s3://${LOCAL_SETTINGS.landingBucket}/events/`);
    const records = (await Promise.all(objects.map(async ({ uri }) => gunzipSync(await store.get(uri)).toString('utf8').trimEnd().split('\n')))).flat();

    expect(records.map((line) => (JSON.parse(line) as { raw_event: string }).raw_event)).toEqual([bodyOf(MAX_BODY_BYTES)]);
    expect(collector.stats().rejected.join_guild).toBe(6);
  });
});
