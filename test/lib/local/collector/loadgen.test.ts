// The load generator against a running collector: a 2-second run at 50 requests per second whose counts
// reconcile (sent = accepted + rejected, rejected = the deliberately invalid events), which the collector
// agrees with, and after close() every accepted event is in the landed files, from the configured hosts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPE_NAMES } from '../../../../lib/pipelines/game-events/derive.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';
import { LOCAL_SETTINGS } from '../../../../lib/local/local-environment.ts';
import { startCollector, type Collector } from '../../../../lib/local/collector/server.ts';
import { runLoad, type LoadResult } from '../../../../lib/local/collector/loadgen.ts';

async function landedRecords(dataDir: string): Promise<Record<string, unknown>[]> {
  const store = new FilesystemObjectStore({ [LOCAL_SETTINGS.landingBucket]: dataDir });
  const records: Record<string, unknown>[] = [];
  for (const { uri } of await store.list(`s3://${LOCAL_SETTINGS.landingBucket}/events/`)) {
    records.push(...gunzipSync(await store.get(uri)).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
  }
  return records;
}

describe('runLoad', () => {
  let dataDir: string;
  let collector: Collector;
  let result: LoadResult;
  let elapsedMs: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadgen-'));
    collector = await startCollector({ port: 0, dataDir, bufferBytes: 16 * 1024 });
    const started = performance.now();
    result = await runLoad({ url: collector.url, rate: 50, durationSeconds: 2, seed: 7 });
    elapsedMs = performance.now() - started;
  });

  afterAll(async () => {
    await collector.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends rate × duration requests over about the duration, every one answered', () => {
    expect(result.sent).toBe(100);
    expect(result.failed).toBe(0);
    expect(result.sent).toBe(result.accepted + result.rejected);
    expect(elapsedMs).toBeGreaterThan(1900);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('mixes event types, and only the deliberately invalid events are rejected', () => {
    const byType = Object.values(result.byType);
    expect(byType.filter((t) => t.sent > 0).length).toBeGreaterThanOrEqual(5);
    expect(byType.reduce((sum, t) => sum + t.sent, 0)).toBe(result.sent);
    const invalid = byType.reduce((sum, t) => sum + t.invalid, 0);
    expect(invalid).toBeGreaterThan(0);
    expect(result.rejected).toBe(invalid);
    for (const [type, counts] of Object.entries(result.byType)) expect(counts.rejected, type).toBe(counts.invalid);
  });

  it('agrees with the collector’s own counts', () => {
    const stats = collector.stats();
    for (const type of EVENT_TYPE_NAMES) {
      expect(stats.accepted[type], type).toBe(result.byType[type].accepted);
      expect(stats.rejected[type], type).toBe(result.byType[type].rejected);
    }
  });

  it('lands exactly the accepted events once the collector is closed, from the seed’s two hosts', async () => {
    await collector.close();
    const records = await landedRecords(dataDir);
    expect(records).toHaveLength(result.accepted);
    expect(new Set(records.map((r) => r.event_id)).size).toBe(result.accepted);
    expect(new Set(records.map((r) => r.host))).toEqual(new Set(['user1.comcast.com', 'user2.att.com']));
    for (const type of EVENT_TYPE_NAMES) expect(records.filter((r) => r.event_type === type).length, type).toBe(result.byType[type].accepted);
  });

  it('sends the same requests for the same seed, from the hosts it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadgen-'));
    const [first, second] = [await startCollector({ port: 0, dataDir: join(dir, 'a') }), await startCollector({ port: 0, dataDir: join(dir, 'b') })];
    try {
      const options = { rate: 200, durationSeconds: 0.25, seed: 3, hosts: ['player.example.net'] };
      const [a, b] = await Promise.all([runLoad({ ...options, url: first.url }), runLoad({ ...options, url: second.url })]);
      expect(a).toEqual(b);
      await Promise.all([first.close(), second.close()]);
      const records = await landedRecords(join(dir, 'a'));
      expect(new Set(records.map((r) => r.host))).toEqual(new Set(['player.example.net']));
      const strip = (r: Record<string, unknown>) => ({ ...r, event_id: undefined, event_ts: undefined });
      const byRaw = (x: Record<string, unknown>, y: Record<string, unknown>) => String(x.raw_event).localeCompare(String(y.raw_event));
      expect(records.map(strip).sort(byRaw)).toEqual((await landedRecords(join(dir, 'b'))).map(strip).sort(byRaw));
    } finally {
      await Promise.all([first.close(), second.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
