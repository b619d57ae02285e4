// A Firehose-like delivery buffer for landed events: records are buffered per event type and each
// buffer is written as one gzip JSON-lines object when it reaches a size (uncompressed bytes) or an
// age (seconds since its oldest record), or when asked. Objects land under
//   events/event_type=<type>/dt=YYYY-MM-DD/hour=HH/<type>-<yyyyMMddHHmmss>-<seq>-<random>.json.gz
// partitioned, like Firehose, by the arrival time of the object's oldest record (UTC). An accepted record
// is never dropped: a failed write puts its records back (ahead of newer ones) for the next flush and
// reports the error; writes of one type never overlap, so records land in the order they came.
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

interface Pending {
  lines: string[];
  bytes: number;
  /** Arrival time of the oldest record held. */
  oldest: Date | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The chain of this type's writes: each starts once the previous one settled. */
  writing: Promise<void>;
  /** Set after a failed write: no size-triggered retry until the age timer fires or a flush is asked for. */
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
   * Buffers one record of `type`. A record that would push the buffer past its size first sends the
   * buffer on its way; a buffer that reaches its size is flushed at once. Never waits for a write.
   * @throws LandingBufferClosed after close()
   */
  append(type: EventTypeName, record: Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new LandingBufferClosed('the landing buffer is closed');
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    const buffer = this.bufferOf(type);
    if (buffer.lines.length > 0 && buffer.bytes + size > this.maxBytes && !buffer.backingOff) this.startFlush(type);
    buffer.lines.push(line);
    buffer.bytes += size;
    if (buffer.oldest === undefined) {
      buffer.oldest = this.now();
      this.arm(type, buffer);
    }
    if (buffer.bytes >= this.maxBytes && !buffer.backingOff) this.startFlush(type);
  }

  /**
   * Writes what `type` holds as one object, after any write of it already under way.
   * @throws LandingWriteFailed when the write fails; the records stay buffered
   */
  async flush(type: EventTypeName): Promise<LandedObject | undefined> {
    const buffer = this.bufferOf(type);
    let landed: LandedObject | undefined;
    let failure: LandingWriteFailed | undefined;
    const write = buffer.writing.then(async () => {
      try {
        landed = await this.writeOnce(type, buffer);
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
    return results.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
  }

  /** Stops taking records and writes everything buffered; rejects like flushAll() if a write fails (call again to retry). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushAll();
    for (const buffer of this.pending.values()) clearTimeout(buffer.timer);
  }

  stats(): LandingBufferStats {
    let pendingRecords = 0;
    for (const buffer of this.pending.values()) pendingRecords += buffer.lines.length;
    return { pendingRecords, ...this.counters };
  }

  private bufferOf(type: EventTypeName): Pending {
    let buffer = this.pending.get(type);
    if (!buffer) {
      buffer = { lines: [], bytes: 0, oldest: undefined, timer: undefined, writing: Promise.resolve(), backingOff: false };
      this.pending.set(type, buffer);
    }
    return buffer;
  }

  /** (Re)starts the age timer of a buffer: due `maxSeconds` after its oldest record, or after `delayMillis`. */
  private arm(type: EventTypeName, buffer: Pending, delayMillis?: number): void {
    clearTimeout(buffer.timer);
    if (this.closed || buffer.oldest === undefined) return;
    const age = this.now().getTime() - buffer.oldest.getTime();
    buffer.timer = setTimeout(() => this.startFlush(type), delayMillis ?? Math.max(0, this.maxMillis - age));
    buffer.timer.unref?.();
  }

  /** A flush nobody awaits: its failure goes to onError. */
  private startFlush(type: EventTypeName): void {
    this.flush(type).catch((error: LandingWriteFailed) => this.onError(error));
  }

  private async writeOnce(type: EventTypeName, buffer: Pending): Promise<LandedObject | undefined> {
    if (buffer.lines.length === 0) return undefined;
    const { lines, bytes } = buffer;
    const oldest = buffer.oldest ?? this.now();
    clearTimeout(buffer.timer);
    Object.assign(buffer, { lines: [], bytes: 0, oldest: undefined, timer: undefined, backingOff: false });
    const uri = `s3://${this.options.bucket}/${this.keyOf(type, oldest)}`;
    try {
      await this.options.store.put(uri, await gzipAsync(lines.join('')));
    } catch (cause) {
      this.counters.failedWrites++;
      buffer.lines = [...lines, ...buffer.lines];
      buffer.bytes += bytes;
      buffer.oldest = oldest;
      buffer.backingOff = true;
      this.arm(type, buffer, this.maxMillis);
      throw new LandingWriteFailed(type, lines.length, cause);
    }
    this.counters.flushedObjects++;
    this.counters.flushedRecords += lines.length;
    if (buffer.oldest !== undefined) this.arm(type, buffer);
    return { eventType: type, uri, records: lines.length, bytes };
  }

  private keyOf(type: EventTypeName, at: Date): string {
    const [yyyy, mm, dd, hh] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours()].map((v, i) => pad(v, i === 0 ? 4 : 2));
    const stamp = `${yyyy}${mm}${dd}${hh}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
    const name = `${type}-${stamp}-${pad(++this.sequence, 6)}-${this.randomSuffix()}.json.gz`;
    return `${landingKeyPrefix(type)}dt=${yyyy}-${mm}-${dd}/hour=${hh}/${name}`;
  }
}
