// Handler dependencies for unit tests: a scripted warehouse, an in-memory store, a capturing notifier.
import { Readable } from 'node:stream';
import type { HandlerDeps } from '../../lambdas/core/deps.ts';
import type { ObjectStore, Row, StoredObject, Warehouse } from '../../lambdas/core/ports.ts';
import { CapturingNotifier } from './capturing-notifier.ts';

/** Size of the chunks MemoryStore.openRead hands out. */
const CHUNK_BYTES = 64 * 1024;

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();

  async list(prefixUri: string): Promise<StoredObject[]> {
    return [...this.objects].filter(([uri]) => uri.startsWith(prefixUri)).map(([uri, body]) => ({ uri, size: body.length }));
  }
  async get(uri: string): Promise<Buffer> {
    const body = this.objects.get(uri);
    if (!body) throw new Error(`no object ${uri}`);
    return body;
  }
  async put(uri: string, body: string | Buffer): Promise<void> {
    this.objects.set(uri, Buffer.from(body));
  }
  /** The object in chunks of `CHUNK_BYTES` bytes, as a store would stream it. */
  async openRead(uri: string): Promise<Readable> {
    const body = await this.get(uri);
    const chunks = Array.from({ length: Math.ceil(body.length / CHUNK_BYTES) }, (_, i) => body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    return Readable.from(chunks, { objectMode: false });
  }
  /** Stores the object only once `body` ends; a failing body leaves the old object in place. */
  async putStream(uri: string, body: Readable): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    this.objects.set(uri, Buffer.concat(chunks));
  }
}

/** A warehouse whose queries answer with `answer(sql)`; everything else is unused here. */
export function scriptedWarehouse(answer: (sql: string) => Row[]): Warehouse {
  const unused = () => Promise.reject(new Error('not scripted'));
  return {
    query: async (sql) => answer(sql),
    execute: unused,
    executeInTransaction: unused,
    copy: unused,
    loadErrors: unused,
    unload: unused,
    close: async () => {},
  };
}

export function fakeDeps(warehouse: Warehouse, store = new MemoryStore()): HandlerDeps & { notifier: CapturingNotifier } {
  return {
    warehouse,
    store,
    notifier: new CapturingNotifier(),
    sql: { read: () => Promise.reject(new Error('no SQL here')) },
    settings: { landingBucket: 'landing', workBucket: 'work' },
  };
}
