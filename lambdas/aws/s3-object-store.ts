// Cloud ObjectStore adapter: s3://bucket/key URIs on Amazon S3. Lists every page of a prefix, reads
// objects whole or as streams, and writes them (whole, or streamed as a multipart upload) encrypted at
// rest with a content type from the extension.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { InvalidInput } from '../core/errors.ts';
import type { ObjectStore, StoredObject } from '../core/ports.ts';

export interface S3ObjectStoreOptions {
  client: S3Client;
  /** Encryption at rest of the objects this store writes. @default 'AES256' (SSE-S3, as the buckets are) */
  serverSideEncryption?: Extract<ServerSideEncryption, 'AES256' | 'aws:kms'>;
  /** The KMS key for 'aws:kms'. @default the bucket's (or the account's aws/s3) key */
  kmsKeyId?: string;
}

interface S3Location {
  bucket: string;
  key: string;
}

/** Content types by file extension; anything else is application/octet-stream. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  txt: 'text/plain',
  sql: 'application/sql',
  gz: 'application/gzip',
  html: 'text/html',
  md: 'text/markdown',
};

/** The ObjectStore port on Amazon S3. */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly encryption: Pick<S3ObjectStoreOptions, 'serverSideEncryption' | 'kmsKeyId'>;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.encryption = { serverSideEncryption: options.serverSideEncryption ?? 'AES256', kmsKeyId: options.kmsKeyId };
  }

  /** Every object under the prefix (all ListObjectsV2 pages), sorted by URI. */
  async list(prefixUri: string): Promise<StoredObject[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const found: StoredObject[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) found.push({ uri: `s3://${bucket}/${object.Key}`, size: object.Size ?? 0 });
      }
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async get(uri: string): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(uri);
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (Body === undefined) throw new Error(`S3 returned no body for ${uri}`);
    return Buffer.from(await Body.transformToByteArray());
  }

  async put(uri: string, body: string | Buffer): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...this.writeAttributes(key) }));
  }

  /** The GetObject body as a Node stream; the response is read as the stream is consumed. */
  async openRead(uri: string): Promise<Readable> {
    const { bucket, key } = parseS3Uri(uri);
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (Body === undefined) throw new Error(`S3 returned no body for ${uri}`);
    if (Body instanceof Readable) return Body;
    return Readable.fromWeb(Body.transformToWebStream() as WebReadableStream<Uint8Array>);
  }

  /**
   * Streams `body` with lib-storage's Upload: one PutObject when it fits in a part (5 MiB), else a
   * multipart upload whose parts are sent as they fill, at most 4 at a time, so at most about 20 MiB of
   * `body` is held at once. A failure (of `body` or of S3) aborts the multipart upload, so no object and
   * no orphaned parts are left.
   */
  async putStream(uri: string, body: Readable): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: body, ...this.writeAttributes(key) },
      leavePartsOnError: false,
    });
    await upload.done();
  }

  private writeAttributes(key: string): Pick<PutObjectCommandInput, 'ContentType' | 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    return {
      ContentType: contentTypeOf(key),
      ServerSideEncryption: this.encryption.serverSideEncryption,
      SSEKMSKeyId: this.encryption.serverSideEncryption === 'aws:kms' ? this.encryption.kmsKeyId : undefined,
    };
  }
}

function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new InvalidInput(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

function contentTypeOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (dot > 0 && CONTENT_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}
