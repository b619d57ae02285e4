import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import { S3ObjectStore } from '../../../lambdas/aws/s3-object-store.ts';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1' });

/** A GetObject body as the SDK's stream mixin offers it (only the method the store uses). */
function body(text: string): GetObjectCommandOutput['Body'] {
  const payload = { transformToByteArray: async () => new TextEncoder().encode(text) };
  return payload as unknown as GetObjectCommandOutput['Body'];
}

/** Bytes of an upload's Body, whichever form lib-storage handed to the command. */
async function bytesOf(payload: unknown): Promise<Buffer> {
  if (typeof payload === 'string') return Buffer.from(payload);
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  const chunks: Buffer[] = [];
  for await (const chunk of payload as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** `total` bytes as a stream of 256 KiB chunks; byte i is i % 251. */
function patterned(total: number): { stream: Readable; bytes: Buffer } {
  const bytes = Buffer.alloc(total, 0);
  for (let i = 0; i < total; i++) bytes[i] = i % 251;
  const chunks = Array.from({ length: Math.ceil(total / 262_144) }, (_, i) => bytes.subarray(i * 262_144, (i + 1) * 262_144));
  return { stream: Readable.from(chunks, { objectMode: false }), bytes };
}

beforeEach(() => s3.reset());

describe('S3ObjectStore', () => {
  it('GIVEN a prefix listed over two pages WHEN listed THEN every object of every page comes back, sorted by URI', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({
        Contents: [{ Key: 'log_data/2018/11/b.json', Size: 20 }, { Key: 'log_data/2018/11/a.json', Size: 10 }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .on(ListObjectsV2Command, { ContinuationToken: 'page-2' })
      .resolves({ Contents: [{ Key: 'log_data/2018/11/c.json', Size: 30 }], IsTruncated: false });

    const objects = await new S3ObjectStore({ client }).list('s3://landing/log_data/');

    expect(objects).toEqual([
      { uri: 's3://landing/log_data/2018/11/a.json', size: 10 },
      { uri: 's3://landing/log_data/2018/11/b.json', size: 20 },
      { uri: 's3://landing/log_data/2018/11/c.json', size: 30 },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'landing', Prefix: 'log_data/', ContinuationToken: undefined },
      { Bucket: 'landing', Prefix: 'log_data/', ContinuationToken: 'page-2' },
    ]);
  });

  it('GIVEN an empty prefix WHEN listed THEN the list is empty', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    expect(await new S3ObjectStore({ client }).list('s3://landing/nothing/')).toEqual([]);
  });

  it('GIVEN an object WHEN read THEN its whole body comes back as a Buffer', async () => {
    s3.on(GetObjectCommand, { Bucket: 'work', Key: 'assets/sparkify/log_json_path.json' }).resolves({ Body: body('{"jsonpaths":[]}') });

    const content = await new S3ObjectStore({ client }).get('s3://work/assets/sparkify/log_json_path.json');

    expect(Buffer.isBuffer(content)).toBe(true);
    expect(content.toString('utf8')).toBe('{"jsonpaths":[]}');
  });

  it('GIVEN a manifest WHEN written THEN it is SSE-S3 encrypted by default, typed by its extension', async () => {
    s3.on(PutObjectCommand).resolves({});

    await new S3ObjectStore({ client }).put('s3://work/manifests/sparkify/run-1/staging_events.manifest.json', '{}');

    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'work',
      Key: 'manifests/sparkify/run-1/staging_events.manifest.json',
      Body: '{}',
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
      SSEKMSKeyId: undefined,
    });
  });

  it('GIVEN a KMS-encrypting store WHEN writing files of other kinds THEN the key is named and types follow the extension', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore({ client, serverSideEncryption: 'aws:kms', kmsKeyId: 'alias/redline' });

    await store.put('s3://work/results/report.csv', 'a,b');
    await store.put('s3://work/results/data.gz', Buffer.from([31, 139]));
    await store.put('s3://work/results/README', 'x');

    const inputs = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ContentType)).toEqual(['text/csv', 'application/gzip', 'application/octet-stream']);
    expect(inputs[0]).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/redline' });
  });

  it('GIVEN an object WHEN opened for reading THEN its body comes back as the Node stream S3 returned', async () => {
    const stream = Readable.from([Buffer.from('{"a":'), Buffer.from('1}\n')], { objectMode: false });
    s3.on(GetObjectCommand, { Bucket: 'landing', Key: 'assessments/a.json' }).resolves({ Body: stream as unknown as GetObjectCommandOutput['Body'] });

    const read = await new S3ObjectStore({ client }).openRead('s3://landing/assessments/a.json');

    expect(read).toBeInstanceOf(Readable);
    expect((await bytesOf(read)).toString('utf8')).toBe('{"a":1}\n');
  });

  it('GIVEN a body offered only as a web stream WHEN opened for reading THEN it is read through a Node stream', async () => {
    const web = new Blob(['line 1\n', 'line 2\n']).stream();
    const payload = { transformToWebStream: () => web };
    s3.on(GetObjectCommand).resolves({ Body: payload as unknown as GetObjectCommandOutput['Body'] });

    const read = await new S3ObjectStore({ client }).openRead('s3://landing/x.jsonl');

    expect(read).toBeInstanceOf(Readable);
    expect((await bytesOf(read)).toString('utf8')).toBe('line 1\nline 2\n');
  });

  it('GIVEN a missing object WHEN opened for reading THEN the S3 error rejects the call', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));

    await expect(new S3ObjectStore({ client }).openRead('s3://landing/none.json')).rejects.toThrow(/does not exist/);
  });

  it('GIVEN a stream smaller than a part WHEN written THEN one encrypted, typed PutObject carries its bytes', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
    const { stream, bytes } = patterned(300_000);

    await new S3ObjectStore({ client }).putStream('s3://work/flat/run-1/assessments.jsonl.gz', stream);

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({
      Bucket: 'work',
      Key: 'flat/run-1/assessments.jsonl.gz',
      ContentType: 'application/gzip',
      ServerSideEncryption: 'AES256',
    });
    expect((await bytesOf(puts[0]!.Body)).equals(bytes)).toBe(true);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('GIVEN a stream over several parts WHEN written THEN a KMS-encrypted multipart upload sends every byte in order', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber?: number }) => ({ ETag: `"part-${input.PartNumber}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole"' });
    const store = new S3ObjectStore({ client, serverSideEncryption: 'aws:kms', kmsKeyId: 'alias/redline' });
    const { stream, bytes } = patterned(12 * 1024 * 1024);

    await store.putStream('s3://work/flat/run-1/assessment_options.jsonl.gz', stream);

    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'work',
      Key: 'flat/run-1/assessment_options.jsonl.gz',
      ContentType: 'application/gzip',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/redline',
    });
    const parts = s3.commandCalls(UploadPartCommand).map((call) => call.args[0].input);
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    expect(parts.map((part) => [part.UploadId, part.PartNumber])).toEqual([['upload-1', 1], ['upload-1', 2], ['upload-1', 3]]);
    const sent = Buffer.concat(await Promise.all(parts.map((part) => bytesOf(part.Body))));
    expect(sent.equals(bytes)).toBe(true);
    const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input;
    expect(complete?.MultipartUpload?.Parts?.map((part) => [part.PartNumber, part.ETag])).toEqual([
      [1, '"part-1"'],
      [2, '"part-2"'],
      [3, '"part-3"'],
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('GIVEN a stream that fails after the first part WHEN written THEN the multipart upload is aborted and the call rejects', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-2' });
    s3.on(UploadPartCommand).resolves({ ETag: '"part"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const part = Buffer.alloc(6 * 1024 * 1024, 1);
    async function* failing(): AsyncGenerator<Buffer> {
      yield part;
      yield part;
      throw new Error('source broke');
    }

    await expect(new S3ObjectStore({ client }).putStream('s3://work/flat/x.jsonl.gz', Readable.from(failing(), { objectMode: false }))).rejects.toThrow(
      /source broke/,
    );

    expect(s3.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ Bucket: 'work', Key: 'flat/x.jsonl.gz', UploadId: 'upload-2' }),
    ]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('GIVEN something that is not an s3:// URI WHEN used THEN InvalidInput is thrown', async () => {
    await expect(new S3ObjectStore({ client }).get('https://example.com/x')).rejects.toThrow(InvalidInput);
  });
});
