// The Firehose-like landing buffer: per-type buffers flushed by size, by age (fake timers) or on demand,
// one gzip JSON-lines object per flush under events/event_type=<type>/dt=/hour=/, and no record ever lost:
// a failed write keeps its records for the next flush and reports the error.
import { gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LandingBuffer,
  LandingBufferClosed,
  LandingWriteFailed,
  type LandingBufferOptions,
} from '../../../../lambdas/core/game-events/landing-buffer.ts';
import type { ObjectStore, StoredObject } from '../../../../lambdas/core/ports.ts';

/** An in-memory store whose next `failures` puts fail, and which can hold each put for a while. */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  failures = 0;
  putDelayMs = 0;
  writing = 0;
  mostWritingAtOnce = 0;

  async put(uri: string, body: string | Buffer): Promise<void> {
    this.writing++;
    this.mostWritingAtOnce = Math.max(this.mostWritingAtOnce, this.writing);
    try {
      if (this.putDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.putDelayMs));
      if (this.failures > 0) {
        this.failures--;
        throw new Error('store unavailable');
      }
      this.objects.set(uri, Buffer.from(body));
    } finally {
      this.writing--;
    }
  }

  async list(prefixUri: string): Promise<StoredObject[]> {
    return [...this.objects].filter(([uri]) => uri.startsWith(prefixUri)).map(([uri, body]) => ({ uri, size: body.length }));
  }

  async get(uri: string): Promise<Buffer> {
    return this.objects.get(uri)!;
  }

  openRead(): Promise<Readable> {
    throw new Error('not used');
  }

  putStream(): Promise<void> {
    throw new Error('not used');
  }

  /** The records of every object, in key order. */
  records(): Record<string, unknown>[] {
    return [...this.objects.keys()].sort().flatMap((uri) => linesOf(this.objects.get(uri)!));
  }
}

function linesOf(gz: Buffer): Record<string, unknown>[] {
  const text = gunzipSync(gz).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A record whose JSON line is exactly 100 bytes. */
function record(n: number): Record<string, unknown> {
  const base = { event_id: `e${String(n).padStart(4, '0')}`, pad: '' };
  const size = Buffer.byteLength(`${JSON.stringify(base)}\n`);
  return { ...base, pad: 'x'.repeat(100 - size) };
}

function setup(options: Partial<LandingBufferOptions> = {}): { store: MemoryStore; buffer: LandingBuffer; clock: { now: Date }; errors: LandingWriteFailed[] } {
  const store = new MemoryStore();
  const clock = { now: new Date('2024-03-09T17:05:42.071Z') };
  const errors: LandingWriteFailed[] = [];
  const buffer = new LandingBuffer({
    store,
    bucket: 'landing',
    now: () => clock.now,
    randomSuffix: () => 'abcd1234',
    onError: (error) => errors.push(error),
    ...options,
  });
  return { store, buffer, clock, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LandingBuffer', () => {
  it('writes one gzip JSON-lines object per flush that reads back as the records, in order', async () => {
    const { store, buffer } = setup();
    const records = [1, 2, 3].map(record);
    for (const r of records) buffer.append('join_guild', r);
    const [landed, ...more] = await buffer.flush('join_guild');
    expect(more).toEqual([]);
    expect(landed).toMatchObject({ eventType: 'join_guild', records: 3, bytes: 300 });
    expect([...store.objects.keys()]).toEqual([landed!.uri]);
    expect(linesOf(store.objects.get(landed!.uri)!)).toEqual(records);
    expect(buffer.stats()).toEqual({ pendingRecords: 0, flushedObjects: 1, flushedRecords: 3, failedWrites: 0 });
  });

  it('names objects events/event_type=<type>/dt=YYYY-MM-DD/hour=HH/<type>-<yyyyMMddHHmmss>-<seq>-<random>.json.gz', async () => {
    const { buffer } = setup();
    buffer.append('kill_enemy', record(1));
    const [first] = await buffer.flush('kill_enemy');
    buffer.append('kill_enemy', record(2));
    const [second] = await buffer.flush('kill_enemy');
    expect(first!.uri).toBe('s3://landing/events/event_type=kill_enemy/dt=2024-03-09/hour=17/kill_enemy-20240309170542-000001-abcd1234.json.gz');
    expect(second!.uri).toBe('s3://landing/events/event_type=kill_enemy/dt=2024-03-09/hour=17/kill_enemy-20240309170542-000002-abcd1234.json.gz');
  });

  it('partitions an object by the arrival time (UTC) of its oldest record', async () => {
    const { buffer, clock } = setup();
    clock.now = new Date('2024-12-31T23:59:59.900Z');
    buffer.append('page_view', record(1));
    clock.now = new Date('2025-01-01T00:00:10.000Z');
    buffer.append('page_view', record(2));
    const [landed] = await buffer.flush('page_view');
    expect(landed!.uri).toMatch(/\/event_type=page_view\/dt=2024-12-31\/hour=23\/page_view-20241231235959-\d{6}-abcd1234\.json\.gz$/);
    expect(landed!.records).toBe(2);
  });

  it('flushes a buffer once it reaches maxBytes, never writing more than maxBytes of several records', async () => {
    const { store, buffer } = setup({ maxBytes: 250 });
    for (let n = 1; n <= 7; n++) buffer.append('take_damage', record(n));
    await buffer.flush('take_damage');
    const sizes = [...store.objects.keys()].sort().map((uri) => linesOf(store.objects.get(uri)!).length);
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(store.records()).toEqual([1, 2, 3, 4, 5, 6, 7].map(record));
  });

  it('flushes a full buffer at once, without being asked', async () => {
    const { store, buffer } = setup({ maxBytes: 200 });
    buffer.append('join_guild', record(1));
    expect(store.objects.size).toBe(0);
    buffer.append('join_guild', record(2));
    await vi.waitFor(() => expect(store.objects.size).toBe(1));
    expect(buffer.stats().pendingRecords).toBe(0);
  });

  it('flushes a buffer maxSeconds after its oldest record arrived', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { store, buffer } = setup({ maxSeconds: 60 });
    buffer.append('accept_quest', record(1));
    await vi.advanceTimersByTimeAsync(30_000);
    buffer.append('accept_quest', record(2));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(store.objects.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await buffer.flush('accept_quest');
    expect(store.records()).toEqual([record(1), record(2)]);
    buffer.append('accept_quest', record(3));
    await vi.advanceTimersByTimeAsync(60_000);
    await buffer.flush('accept_quest');
    expect(store.objects.size).toBe(2);
  });

  it('buffers each event type separately; flushAll writes them all', async () => {
    const { store, buffer } = setup();
    buffer.append('join_guild', record(1));
    buffer.append('purchase_sword', record(2));
    buffer.append('join_guild', record(3));
    const landed = await buffer.flushAll();
    expect(landed.map((l) => [l.eventType, l.records]).sort()).toEqual([
      ['join_guild', 2],
      ['purchase_sword', 1],
    ]);
    expect(store.objects.size).toBe(2);
    expect(await buffer.flushAll()).toEqual([]);
  });

  it('keeps the records of a failed write, ahead of newer ones, and lands them under the same name with the next flush', async () => {
    const { store, buffer } = setup();
    buffer.append('kill_enemy', record(1));
    buffer.append('kill_enemy', record(2));
    store.failures = 1;
    const failure = await buffer.flushAll().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LandingWriteFailed);
    expect(failure).toMatchObject({ name: 'LandingWriteFailed', transient: true, eventType: 'kill_enemy', records: 2 });
    expect((failure as Error).message).toMatch(/store unavailable/);
    expect(buffer.stats()).toMatchObject({ pendingRecords: 2, flushedObjects: 0, failedWrites: 1 });
    buffer.append('kill_enemy', record(3));
    const landed = await buffer.flushAll();
    expect(landed.map((l) => [l.uri.replace(/^.*-(\d{6})-.*$/, '$1'), l.records])).toEqual([
      ['000001', 2],
      ['000002', 1],
    ]);
    expect(store.records()).toEqual([record(1), record(2), record(3)]);
    expect(buffer.stats()).toMatchObject({ pendingRecords: 0, flushedObjects: 2, flushedRecords: 3 });
  });

  it('while backing off after a failure, still cuts full buffers into objects of at most maxBytes', async () => {
    const { store, buffer, errors } = setup({ maxBytes: 200 });
    store.failures = 1;
    buffer.append('join_guild', record(1));
    buffer.append('join_guild', record(2));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    for (let n = 3; n <= 6; n++) buffer.append('join_guild', record(n));
    expect(store.objects.size).toBe(0);
    expect(buffer.stats().pendingRecords).toBe(6);
    await buffer.flushAll();
    expect([...store.objects.values()].map((gz) => linesOf(gz).length)).toEqual([2, 2, 2]);
    expect(store.records()).toEqual([1, 2, 3, 4, 5, 6].map(record));
  });

  it('reports a failed background write to onError and retries it maxSeconds later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { store, buffer, errors } = setup({ maxSeconds: 10 });
    store.failures = 1;
    buffer.append('store_transaction', record(1));
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ eventType: 'store_transaction', records: 1 });
    expect(store.objects.size).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    await buffer.flush('store_transaction');
    expect(store.records()).toEqual([record(1)]);
  });

  it('never runs two writes of one type at once, and lands every record in order', async () => {
    const { store, buffer } = setup({ maxBytes: 100 });
    store.putDelayMs = 5;
    for (let n = 1; n <= 20; n++) buffer.append('page_view', record(n));
    await buffer.flushAll();
    expect(store.mostWritingAtOnce).toBe(1);
    expect(store.objects.size).toBe(20);
    expect(store.records()).toEqual(Array.from({ length: 20 }, (_, i) => record(i + 1)));
  });

  it('close() lands everything and then refuses records', async () => {
    const { store, buffer } = setup();
    buffer.append('join_guild', record(1));
    buffer.append('page_view', record(2));
    await buffer.close();
    expect(store.records()).toHaveLength(2);
    expect(() => buffer.append('join_guild', record(3))).toThrow(LandingBufferClosed);
  });
});
