// Download: fetches a file over HTTP(S) into the landing bucket, where a source reads it. The body
// streams from the socket through a digest (size, SHA-256, maxBytes) into ObjectStore.putStream,
// never whole in memory; the store commits the object only once the body has ended and passed the
// digest's verdict, so a body that broke off, grew over maxBytes or has the wrong checksum never
// becomes the landed object. A record of what was landed (URL, size, SHA-256, the server's ETag and
// Last-Modified) is kept in the work bucket: the next run asks conditionally (If-None-Match /
// If-Modified-Since), and a 304 — or, from a server without validators, a body with the same
// SHA-256 — leaves the landed object untouched. Transient failures (network, timeout, 5xx, 408,
// 429) are retried here with backoff, honouring Retry-After, and then thrown as DownloadFailed for
// the state machine to retry; DownloadRejected (4xx, checksum, size) is final.
import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { RuntimeSettings } from './deps.ts';
import { DownloadFailed, DownloadRejected } from './errors.ts';
import { downloadRecordUri, landingUri } from './locations.ts';
import { renderKeyTemplate } from './partition.ts';
import type { ObjectStore } from './ports.ts';
import type { DownloadSpec } from '../../lib/pipelines/spec.ts';

export interface DownloadResult {
  name: string;
  /** The URL fetched, rendered for the run date. */
  url: string;
  /** The landed object. */
  uri: string;
  bytes: number;
  sha256: string;
  /** True when the file had landed unchanged before, and the landed object was left as it was. */
  skipped: boolean;
}

export interface DownloadOptions {
  /**
   * Requests made before giving up with DownloadFailed.
   * @default 4
   */
  readonly attempts?: number;
  /**
   * Ceiling of the first pause between attempts, doubled after each (full jitter below it).
   * @default 1000
   */
  readonly backoffMs?: number;
  /**
   * Longest pause between attempts, a server's Retry-After included.
   * @default 30000
   */
  readonly maxPauseMs?: number;
  /**
   * Longest one attempt may take, from the request to the body's last byte. With the defaults, every
   * attempt and pause together stay under the 15 minutes a Lambda function may run.
   * @default 180000 (3 minutes)
   */
  readonly timeoutMs?: number;
}

/** What the work bucket keeps of a landed download (see downloadRecordUri). */
export const downloadRecord = z.object({
  url: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  downloadedAt: z.string(),
});
export type DownloadRecord = z.infer<typeof downloadRecord>;

/** One download rendered for a run date. */
interface Target {
  name: string;
  url: string;
  uri: string;
  recordUri: string;
  sha256?: string;
  maxBytes?: number;
}

type Validators = Pick<DownloadRecord, 'etag' | 'lastModified'>;

/** The digest's verdict that the body is the one landed already: not committed, the object stays as it is. */
class UnchangedContent extends Error {
  override readonly name = 'UnchangedContent';
}

/** The first reason an attempt's body failed, whichever stage saw it; the store may report it otherwise. */
class FirstFailure {
  error?: Error;

  set<E extends Error>(error: E): E {
    this.error ??= error;
    return error;
  }
}

/**
 * Lands `download` for `runDate` in the landing bucket, or finds it landed already.
 * @throws DownloadFailed when every attempt failed transiently
 * @throws DownloadRejected when the server refused the file or the file is not the one declared
 */
export async function downloadToLanding(
  store: ObjectStore,
  settings: RuntimeSettings,
  download: DownloadSpec,
  runDate: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const key = renderKeyTemplate(download.key, runDate);
  const target: Target = {
    name: download.name,
    url: renderKeyTemplate(download.url, runDate),
    uri: landingUri(settings, key),
    recordUri: downloadRecordUri(settings, key),
    sha256: download.sha256,
    maxBytes: download.maxBytes,
  };
  const landed = await landedRecord(store, target);
  const attempts = options.attempts ?? 4;
  const maxPauseMs = options.maxPauseMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(store, target, landed, options.timeoutMs ?? 180_000);
    } catch (error) {
      if (!(error instanceof DownloadFailed)) throw error;
      if (attempt >= attempts) throw new DownloadFailed(`${error.message} (gave up after ${attempt} attempt(s))`);
      const backoff = Math.random() * Math.min(maxPauseMs, (options.backoffMs ?? 1000) * 2 ** (attempt - 1));
      await sleep(Math.min(maxPauseMs, Math.max(backoff, error.retryAfterMs ?? 0)));
    }
  }
}

/** The record of the file landed at the target from the same URL, if the landed object is still the one recorded. */
async function landedRecord(store: ObjectStore, target: Target): Promise<DownloadRecord | undefined> {
  const [objects, records] = await Promise.all([store.list(target.uri), store.list(target.recordUri)]);
  const object = objects.find((o) => o.uri === target.uri);
  if (!object || !records.some((r) => r.uri === target.recordUri)) return undefined;
  const parsed = downloadRecord.safeParse(parseJson((await store.get(target.recordUri)).toString('utf8')));
  if (!parsed.success) return undefined;
  const record = parsed.data;
  const same = record.url === target.url && record.size === object.size && (target.sha256 === undefined || record.sha256 === target.sha256);
  return same ? record : undefined;
}

/** One request: 304 or an unchanged body → the landed record; a new body → landed and recorded. */
async function fetchOnce(store: ObjectStore, target: Target, landed: DownloadRecord | undefined, timeoutMs: number): Promise<DownloadResult> {
  const response = await request(target.url, landed, timeoutMs);
  if (response.status === 304 && landed) return resultOf(target, landed, true);
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel();
    throw statusError(target.url, response);
  }
  const declared = response.headers.get('content-length');
  if (target.maxBytes !== undefined && declared !== null && Number(declared) > target.maxBytes) {
    await response.body.cancel();
    throw new DownloadRejected(`${target.url}: ${declared} bytes, over maxBytes ${target.maxBytes}`);
  }
  const validators = validatorsOf(response);
  const failure = new FirstFailure();
  const digest = new Digest(target, landed, failure);
  const body = pipeline(Readable.from(received(response.body, target.url, failure), { objectMode: false }), digest, () => undefined);
  try {
    await store.putStream(target.uri, body);
  } catch (thrown) {
    const cause = failure.error ?? thrown;
    if (!(cause instanceof UnchangedContent && landed)) throw cause;
    const refreshed: DownloadRecord = { url: landed.url, size: landed.size, sha256: landed.sha256, ...validators, downloadedAt: landed.downloadedAt };
    if (refreshed.etag !== landed.etag || refreshed.lastModified !== landed.lastModified) await putRecord(store, target, refreshed);
    return resultOf(target, landed, true);
  }
  const record: DownloadRecord = {
    url: target.url,
    size: digest.bytes,
    sha256: digest.sha256,
    ...validators,
    downloadedAt: new Date().toISOString(),
  };
  await putRecord(store, target, record);
  return resultOf(target, record, false);
}

/** GET with the landed file's validators, under the attempt's timeout; a request that gets no answer is transient. */
async function request(url: string, landed: DownloadRecord | undefined, timeoutMs: number): Promise<Response> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (landed?.etag) headers['if-none-match'] = landed.etag;
  if (landed?.lastModified) headers['if-modified-since'] = landed.lastModified;
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DownloadFailed(`${url}: ${reasonOf(error)}`);
  }
}

/** The body's chunks as they arrive; a transfer that breaks off (reset, closed early, timed out) fails transiently. */
async function* received(body: AsyncIterable<Uint8Array>, url: string, failure: FirstFailure): AsyncGenerator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw failure.set(new DownloadFailed(`${url}: the transfer broke off (${reasonOf(error)})`));
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Cancels the response when the store or the digest stopped reading early.
    await chunks.return?.();
  }
}

/**
 * Counts and hashes the body on its way to the store and fails it, so the store commits nothing,
 * when it grows over maxBytes, ends with another checksum than declared, or is the one landed already.
 */
class Digest extends Transform {
  bytes = 0;
  sha256 = '';
  private readonly hash = createHash('sha256');

  constructor(
    private readonly target: Target,
    private readonly landed: DownloadRecord | undefined,
    private readonly failure: FirstFailure,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxBytes, url } = this.target;
    if (maxBytes !== undefined && this.bytes > maxBytes) {
      callback(this.failure.set(new DownloadRejected(`${url}: the body grew over maxBytes ${maxBytes}`)));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    const { sha256: expected, url } = this.target;
    if (expected !== undefined && this.sha256 !== expected) {
      callback(this.failure.set(new DownloadRejected(`${url}: checksum mismatch, expected SHA-256 ${expected}, got ${this.sha256}`)));
    } else if (this.landed?.sha256 === this.sha256 && this.landed.size === this.bytes) {
      callback(this.failure.set(new UnchangedContent(`${url} is unchanged`)));
    } else {
      callback();
    }
  }
}

async function putRecord(store: ObjectStore, target: Target, record: DownloadRecord): Promise<void> {
  await store.put(target.recordUri, `${JSON.stringify(record, null, 1)}\n`);
}

function resultOf(target: Target, record: DownloadRecord, skipped: boolean): DownloadResult {
  return { name: target.name, url: target.url, uri: target.uri, bytes: record.size, sha256: record.sha256, skipped };
}

function validatorsOf(response: Response): Validators {
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

/** 5xx, 408 and 429 may pass (Retry-After is kept); any other answer but 200 or an expected 304 is a refusal. */
function statusError(url: string, response: Response): DownloadFailed | DownloadRejected {
  const what = `${url} answered ${response.status} ${response.statusText}`.trim();
  const { status } = response;
  if (status >= 500 || status === 408 || status === 429) return new DownloadFailed(what, retryAfterMs(response.headers.get('retry-after')));
  return new DownloadRejected(what);
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from now. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** undici reports the socket's reason (ECONNRESET, other side closed, …) as the cause. */
function reasonOf(error: unknown): string {
  const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
  const detail = cause?.code ?? cause?.message;
  return `${name}: ${message}${detail ? ` (${detail})` : ''}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
