import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
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

  it('GIVEN something that is not an s3:// URI WHEN used THEN InvalidInput is thrown', async () => {
    await expect(new S3ObjectStore({ client }).get('https://example.com/x')).rejects.toThrow(InvalidInput);
  });
});
