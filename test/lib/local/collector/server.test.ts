// The local collector over real HTTP: every declared route takes GET and POST events (202 with the event
// id), refuses invalid (400 with the issues; a body that is not UTF-8 too), too large (413), non-JSON (415)
// and unknown (404) requests, lands accepted events as gzip JSON lines in the landing folder, and close()
// flushes every one of them.
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_TYPE_NAMES, eventTypeNamed } from '../../../../lib/pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../../../lib/pipelines/game-events/event-types.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';
import { LOCAL_SETTINGS } from '../../../../lib/local/local-environment.ts';
import { startCollector, type Collector } from '../../../../lib/local/collector/server.ts';

const VALID: Record<EventTypeName, Record<string, string | number>> = {
  page_view: {},
  purchase_sword: { sword_type: 'katana', sword_cost: 310.5 },
  join_guild: { guild_id: 3, guild_name: 'Silver Hand' },
  kill_enemy: { enemy_id: 2, enemy_name: 'orc', enemy_level: 14 },
  take_damage: { enemy_id: 9, enemy_name: 'lich', damage: 120 },
  accept_quest: { quest_id: 4, quest_name: 'Slay the Wyvern', quest_contact: 'Hunter Korr' },
  store_transaction: { store_id: 1, item_name: 'rope', inventory_id: 402, total_cost: 7.5, category: 'supplies', on_hand_qty: 40 },
};

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** One request with full control of the headers (Host included) and of how the body is framed. */
function send(base: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean } = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['Content-Length'] = Buffer.byteLength(options.body);
    const outgoing = request({ hostname: url.hostname, port: url.port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    outgoing.on('error', reject);
    if (options.body !== undefined && options.chunked) {
      const half = Math.floor(options.body.length / 2);
      outgoing.write(options.body.slice(0, half));
      outgoing.end(options.body.slice(half));
    } else outgoing.end(options.body);
  });
}

/** A POST of `body` (JSON text as is, or a value to serialize) as application/json. */
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
});
const query = (fields: Record<string, string | number>) => {
  const text = new URLSearchParams(Object.entries(fields).map(([key, value]): [string, string] => [key, String(value)])).toString();
  return text === '' ? '' : `?${text}`;
};

/** Every landed record under dataDir, by event type, read back from the gzip JSON-lines objects. */
async function landed(dataDir: string): Promise<{ uris: string[]; records: Record<string, unknown>[] }> {
  const store = new FilesystemObjectStore({ [LOCAL_SETTINGS.landingBucket]: dataDir });
  const objects = await store.list(`s3://${LOCAL_SETTINGS.landingBucket}/events/`);
  const records: Record<string, unknown>[] = [];
  for (const { uri } of objects) {
    const text = gunzipSync(await store.get(uri)).toString('utf8');
    records.push(...text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
  }
  return { uris: objects.map((o) => o.uri), records };
}

describe('startCollector', () => {
  let dataDir: string;
  let collector: Collector;
  const acceptedIds = new Map<string, EventTypeName>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'collector-'));
    collector = await startCollector({ port: 0, dataDir, maxBodyBytes: 4096, bufferSeconds: 600 });
  });

  afterAll(async () => {
    await collector.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on a free port when given port 0', () => {
    expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(collector.url).not.toMatch(/:0$/);
  });

  it('accepts a POST (JSON body) and a GET (query parameters) of every event type with 202 and the event id', async () => {
    for (const type of EVENT_TYPE_NAMES) {
      const route = eventTypeNamed(type).routes[0]!;
      const posted = await send(collector.url, 'POST', route, json(VALID[type], { Host: 'user1.comcast.com', 'User-Agent': 'test/1', Accept: '*/*' }));
      const got = await send(collector.url, 'GET', `${route}${query(VALID[type])}`, { headers: { Host: 'user2.att.com' } });
      for (const reply of [posted, got]) {
        expect(reply.status, type).toBe(202);
        expect(reply.body.event_id).toMatch(/^[0-9a-f-]{36}$/);
        acceptedIds.set(reply.body.event_id as string, type);
      }
    }
    expect(acceptedIds.size).toBe(2 * EVENT_TYPE_NAMES.length);
  });

  it('accepts the seed\'s bare GET /purchase_a_sword and GET /', async () => {
    for (const path of ['/purchase_a_sword', '/']) {
      const reply = await send(collector.url, 'GET', path, { headers: { Host: 'user1.comcast.com' } });
      expect(reply.status).toBe(202);
      acceptedIds.set(reply.body.event_id as string, path === '/' ? 'page_view' : 'purchase_sword');
    }
  });

  it('refuses an invalid event with 400 and the zod issues, by field', async () => {
    const reply = await send(collector.url, 'POST', '/kill_enemy', json({ enemy_id: 'many', enemy_name: 'orc' }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid event', event_type: 'kill_enemy' });
    expect((reply.body.issues as { path: string }[]).map((issue) => issue.path).sort()).toEqual(['enemy_id', 'enemy_level']);
    const viaGet = await send(collector.url, 'GET', '/join_a_guild?guild_id=x&guild_name=A');
    expect(viaGet.status).toBe(400);
    expect(await send(collector.url, 'POST', '/accept_quest', json('{"quest_id": 1,'))).toMatchObject({ status: 400, body: { issues: [{ path: '' }] } });
  });

  it('refuses a body that is not UTF-8 with 400, never landing it with U+FFFD in place of its bytes', async () => {
    const body = Buffer.from('{"guild_id": 4, "guild_name": "Silver H\xffnd"}', 'latin1');

    const reply = await send(collector.url, 'POST', '/join_a_guild', { body, headers: { 'Content-Type': 'application/json' } });

    expect(reply).toEqual({ status: 400, body: { error: 'invalid event', event_type: 'join_guild', issues: [{ path: '', message: 'not valid UTF-8' }] } });
  });

  it('refuses a body over maxBodyBytes with 413, with or without a Content-Length', async () => {
    const big = JSON.stringify({ ...VALID.join_guild, padding: 'x'.repeat(5000) });
    expect((await send(collector.url, 'POST', '/join_a_guild', json(big))).status).toBe(413);
    expect((await send(collector.url, 'POST', '/join_a_guild', { ...json(big), chunked: true })).status).toBe(413);
    const fits = JSON.stringify({ ...VALID.join_guild, padding: 'x'.repeat(3000) });
    const accepted = await send(collector.url, 'POST', '/join_a_guild', { ...json(fits), chunked: true });
    expect(accepted.status).toBe(202);
    acceptedIds.set(accepted.body.event_id as string, 'join_guild');
  });

  it('refuses a POST that is not application/json with 415', async () => {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const form = await send(collector.url, 'POST', '/join_a_guild', { body: 'guild_id=1&guild_name=A', headers });
    expect(form).toMatchObject({ status: 415, body: { error: expect.stringMatching(/application\/json/) } });
    expect((await send(collector.url, 'POST', '/join_a_guild', { body: '{}' })).status).toBe(415);
    const withCharset = await send(collector.url, 'POST', '/', json({}, { 'Content-Type': 'application/json; charset=utf-8' }));
    expect(withCharset.status).toBe(202);
    acceptedIds.set(withCharset.body.event_id as string, 'page_view');
  });

  it('answers 404 for an unknown path and 405 for another method on an event route', async () => {
    const unknown = await send(collector.url, 'GET', '/buy_a_horse');
    expect(unknown.status).toBe(404);
    expect(unknown.body.routes).toContain('/purchase_a_sword');
    expect((await send(collector.url, 'PUT', '/join_a_guild', json(VALID.join_guild))).status).toBe(405);
  });

  it('counts accepted and rejected events per type in stats(), nothing landed before a flush', () => {
    const stats = collector.stats();
    const expectedAccepted = Object.fromEntries(EVENT_TYPE_NAMES.map((type) => [type, [...acceptedIds.values()].filter((t) => t === type).length]));
    expect(stats.accepted).toEqual(expectedAccepted);
    expect(stats.rejected).toEqual({ page_view: 0, purchase_sword: 0, join_guild: 6, kill_enemy: 1, take_damage: 0, accept_quest: 1, store_transaction: 0 });
    expect(stats).toMatchObject({ pendingRecords: acceptedIds.size, flushedObjects: 0 });
  });

  it('close() flushes every accepted event into the landing folder, enriched, in the per-type layout', async () => {
    await collector.close();
    const { uris, records } = await landed(dataDir);
    expect(records.map((r) => r.event_id).sort()).toEqual([...acceptedIds.keys()].sort());
    for (const r of records) expect(r.event_type).toBe(acceptedIds.get(r.event_id as string));
    for (const uri of uris) {
      expect(uri).toMatch(/^s3:\/\/redline-landing\/events\/event_type=([a-z_]+)\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\1-\d{14}-\d{6}-[0-9a-f]{8}\.json\.gz$/);
    }
    const guild = records.find((r) => r.event_type === 'join_guild' && r.host === 'user1.comcast.com');
    expect(guild).toMatchObject({ guild_id: 3, guild_name: 'Silver Hand', user_agent: 'test/1', accept: '*/*', raw_event: JSON.stringify(VALID.join_guild) });
    expect(guild!.event_ts).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(records.find((r) => r.event_type === 'kill_enemy' && r.host === 'user2.att.com')).toMatchObject({ enemy_id: 2, enemy_level: 14 });
    expect(collector.stats()).toMatchObject({ pendingRecords: 0, flushedObjects: uris.length, flushedRecords: acceptedIds.size });
    await expect(send(collector.url, 'GET', '/')).rejects.toThrow();
  });
});

describe('startCollector with small buffers', () => {
  it('lands events while running once a buffer reaches bufferBytes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'collector-'));
    const collector = await startCollector({ port: 0, dataDir, bufferBytes: 1 });
    try {
      for (let i = 0; i < 3; i++) expect((await send(collector.url, 'GET', `/join_a_guild?guild_id=${i}&guild_name=G`)).status).toBe(202);
      await vi.waitFor(async () => expect((await landed(dataDir)).uris).toHaveLength(3));
      expect(collector.stats()).toMatchObject({ flushedObjects: 3, pendingRecords: 0 });
    } finally {
      await collector.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
