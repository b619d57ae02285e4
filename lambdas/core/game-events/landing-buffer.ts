// A Firehose-like delivery buffer for landed events: records are buffered per event type and each
// buffer is written as one gzip JSON-lines object when it reaches a size (uncompressed bytes) or an
// age (seconds since its oldest record), or when asked. Objects land under
//   events/event_type=<type>/dt=YYYY-MM-DD/hour=HH/<type>-<yyyyMMddHHmmss>-<seq>-<random>.json.gz
// partitioned, like Firehose, by the arrival time of the object's oldest record (UTC). A buffer is sealed
// into a batch (its object name fixed) when it is flushed; batches of a type are written one at a time,
// in order. An accepted record is never dropped: a batch whose write fails stays first in line, under the
// same name (so a write that did land after all is replaced, not duplicated), and the error is reported.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InvalidInput, RedlineError } from '../errors.ts';
import type { ObjectStore } from '../ports.ts';
import { landingKeyPrefix } from '../../../lib/pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../../lib/pipelines/game-events/event-types.ts';

const gzipAsync = promisify(gzip);

export const DEFAULT_BUFFER_BYTES = 1024 * 1024;
export const DEFAULT_BUFFER_SECONDS = 60;

/** Writing a buffered object failed; its records are kept and go out with the next flush. Retried. */
export class LandingWriteFailed extends RedlineError {
  override readonly name = 'LandingWriteFailed';
  override readonly transient = true;
  constructor(
    readonly eventType: EventTypeName,
    readonly records: number,
    cause: unknown,
  ) {
    super(`landing ${records} ${eventType} record(s) failed (kept for the next flush): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** The buffer was closed: it takes no more records. */
export class LandingBufferClosed extends RedlineError {
  override readonly name = 'LandingBufferClosed';
}

/** One object written by a flush. */
export interface LandedObject {
  eventType: EventTypeName;
  uri: string;
  records: number;
  /** Uncompressed JSON-lines bytes. */
  bytes: number;
}

export interface LandingBufferOptions {
  store: ObjectStore;
  /** The landing bucket the objects go to. */
  bucket: string;
  /** Flush a type's buffer once it holds this many uncompressed bytes (default 1 MiB, like Firehose). */
  maxBytes?: number;
  /** Flush a type's buffer this long after its oldest record arrived (default 60, like Firehose). */
  maxSeconds?: number;
  /** The arrival clock (default: the system clock). */
  now?: () => Date;
  /** The random part of object names (default: 8 hex digits from the system's CSPRNG). */
  randomSuffix?: () => string;
  /** Told of every write that failed in the background (a flush by size or by age); default: logged. */
  onError?: (error: LandingWriteFailed) => void;
}

export interface LandingBufferStats {
  pendingRecords: number;
  flushedObjects: number;
  flushedRecords: number;
  failedWrites: number;
}

/** Records sealed for one object; `uri` is fixed at sealing, so every retry writes the same object. */
interface Batch {
  lines: string[];
  bytes: number;
  /** Arrival time of the oldest record. */
  oldest: Date;
  uri: string;
}

interface Pending {
  /** The records still gathering, if any. */
  open: Omit<Batch, 'uri'> | undefined;
  /** Batches waiting to be written, oldest first. */
  sealed: Batch[];
  /** Due when the open records reach their age, or when a failed write is retried. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The chain of this type's writes: each starts once the previous one settled. */
  writing: Promise<void>;
  /** Set after a failed write: full buffers are sealed but not written until the retry timer or a flush. */
  backingOff: boolean;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export class LandingBuffer {
  private readonly maxBytes: number;
  private readonly maxMillis: number;
  private readonly now: () => Date;
  private readonly randomSuffix: () => string;
  private readonly onError: (error: LandingWriteFailed) => void;
  private readonly pending = new Map<EventTypeName, Pending>();
  private readonly counters = { flushedObjects: 0, flushedRecords: 0, failedWrites: 0 };
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: LandingBufferOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_BUFFER_BYTES;
    this.maxMillis = (options.maxSeconds ?? DEFAULT_BUFFER_SECONDS) * 1000;
    if (!(this.maxBytes > 0) || !(this.maxMillis > 0)) throw new InvalidInput('buffer size and interval must be positive');
    this.now = options.now ?? (() => new Date());
    this.randomSuffix = options.randomSuffix ?? (() => randomBytes(4).toString('hex'));
    this.onError = options.onError ?? ((error) => console.error(`[landing] ${error.message}`));
  }

  /**
   * Buffers one record of `type`. A record that would push the buffer past maxBytes first sends the
   * buffer on its way; a buffer that reaches maxBytes is sent at once. Never waits for a write.
   * @throws LandingBufferClosed after close()
   */
  append(type: EventTypeName, record: Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new LandingBufferClosed('the landing buffer is closed');
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    const buffer = this.bufferOf(type);
    if (buffer.open && buffer.open.bytes + size > this.maxBytes) this.sendFull(type, buffer);
    if (!buffer.open) {
      buffer.open = { lines: [], bytes: 0, oldest: this.now() };
      if (buffer.timer === undefined) this.arm(type, buffer);
    }
    buffer.open.lines.push(line);
    buffer.open.bytes += size;
    if (buffer.open.bytes >= this.maxBytes) this.sendFull(type, buffer);
  }

  /**
   * Writes what `type` holds, as one object per sealed batch, after any write of it already under way.
   * @throws LandingWriteFailed when a write fails; its records and those after them stay buffered
   */
  async flush(type: EventTypeName): Promise<LandedObject[]> {
    const buffer = this.bufferOf(type);
    this.seal(type, buffer);
    clearTimeout(buffer.timer);
    buffer.timer = undefined;
    let landed: LandedObject[] = [];
    let failure: LandingWriteFailed | undefined;
    const write = buffer.writing.then(async () => {
      try {
        landed = await this.writeSealed(type, buffer);
      } catch (error) {
        failure = error as LandingWriteFailed;
      }
    });
    buffer.writing = write;
    await write;
    if (failure) throw failure;
    return landed;
  }

  /**
   * Writes everything buffered, every type. @throws LandingWriteFailed (the first failure) when any
   * write failed; the other types are still written and the failed records stay buffered.
   */
  async flushAll(): Promise<LandedObject[]> {
    const results = await Promise.allSettled([...this.pending.keys()].map((type) => this.flush(type)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
  }

  /** Stops taking records and writes everything buffered; rejects like flushAll() if a write fails (call again to retry). */
  async close(): Promise<void> {
    this.closed = true;
    for (const buffer of this.pending.values()) clearTimeout(buffer.timer);
    await this.flushAll();
  }

  stats(): LandingBufferStats {
    let pendingRecords = 0;
    for (const buffer of this.pending.values()) {
      pendingRecords += (buffer.open?.lines.length ?? 0) + buffer.sealed.reduce((sum, batch) => sum + batch.lines.length, 0);
    }
    return { pendingRecords, ...this.counters };
  }

  private bufferOf(type: EventTypeName): Pending {
    let buffer = this.pending.get(type);
    if (!buffer) {
      buffer = { open: undefined, sealed: [], timer: undefined, writing: Promise.resolve(), backingOff: false };
      this.pending.set(type, buffer);
    }
    return buffer;
  }

  /** Starts the timer that flushes `type` in maxSeconds (unless closed). */
  private arm(type: EventTypeName, buffer: Pending): void {
    if (this.closed) return;
    buffer.timer = setTimeout(() => {
      buffer.timer = undefined;
      this.startFlush(type);
    }, this.maxMillis);
    buffer.timer.unref?.();
  }

  /** A full buffer: sealed, and written unless writes of its type are backing off after a failure. */
  private sendFull(type: EventTypeName, buffer: Pending): void {
    if (buffer.backingOff) this.seal(type, buffer);
    else this.startFlush(type);
  }

  /** A flush nobody awaits: its failure goes to onError. */
  private startFlush(type: EventTypeName): void {
    this.flush(type).catch((error: LandingWriteFailed) => this.onError(error));
  }

  private seal(type: EventTypeName, buffer: Pending): void {
    if (!buffer.open) return;
    buffer.sealed.push({ ...buffer.open, uri: `s3://${this.options.bucket}/${this.keyOf(type, buffer.open.oldest)}` });
    buffer.open = undefined;
  }

  private async writeSealed(type: EventTypeName, buffer: Pending): Promise<LandedObject[]> {
    const landed: LandedObject[] = [];
    for (let batch = buffer.sealed[0]; batch !== undefined; batch = buffer.sealed[0]) {
      try {
        await this.options.store.put(batch.uri, await gzipAsync(batch.lines.join('')));
      } catch (cause) {
        this.counters.failedWrites++;
        buffer.backingOff = true;
        if (buffer.timer === undefined) this.arm(type, buffer);
        throw new LandingWriteFailed(type, batch.lines.length, cause);
      }
      buffer.sealed.shift();
      this.counters.flushedObjects++;
      this.counters.flushedRecords += batch.lines.length;
      landed.push({ eventType: type, uri: batch.uri, records: batch.lines.length, bytes: batch.bytes });
    }
    buffer.backingOff = false;
    return landed;
  }

  private keyOf(type: EventTypeName, at: Date): string {
    const [yyyy, mm, dd, hh] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours()].map((v, i) => pad(v, i === 0 ? 4 : 2));
    const stamp = `${yyyy}${mm}${dd}${hh}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
    const name = `${type}-${stamp}-${pad(++this.sequence, 6)}-${this.randomSuffix()}.json.gz`;
    return `${landingKeyPrefix(type)}dt=${yyyy}-${mm}-${dd}/hour=${hh}/${name}`;
  }
}
