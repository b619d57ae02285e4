import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemObjectStore, parseS3Uri } from '../../../lib/local/filesystem-store.ts';

describe('FilesystemObjectStore', () => {
  it('stores objects under the folder of their bucket and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const store = new FilesystemObjectStore({ work: dir });
    await store.put('s3://work/a/b/c.json', '{"x":1}');
    expect(await readFile(join(dir, 'a/b/c.json'), 'utf8')).toBe('{"x":1}');
    expect((await store.get('s3://work/a/b/c.json')).toString()).toBe('{"x":1}');
  });

  it('lists by key prefix like S3, partial names included, sorted, with sizes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const store = new FilesystemObjectStore({ landing: dir });
    await store.put('s3://landing/log_data/2018/11/2018-11-02-events.json', '12345');
    await store.put('s3://landing/log_data/2018/11/2018-11-01-events.json', '1');
    await store.put('s3://landing/log_database/other.json', '1');
    await store.put('s3://landing/song_data/x.json', '1');
    expect(await store.list('s3://landing/log_data/')).toEqual([
      { uri: 's3://landing/log_data/2018/11/2018-11-01-events.json', size: 1 },
      { uri: 's3://landing/log_data/2018/11/2018-11-02-events.json', size: 5 },
    ]);
    expect((await store.list('s3://landing/log_data')).map((o) => o.uri)).toContain('s3://landing/log_database/other.json');
    expect(await store.list('s3://landing/nothing/')).toEqual([]);
  });

  it('refuses unmapped buckets and keys that escape their bucket', () => {
    const store = new FilesystemObjectStore({ work: '/tmp/x' });
    expect(() => store.localPath('s3://other/key')).toThrow(/not mapped/);
    expect(() => store.localPath('s3://work/../etc/passwd')).toThrow(/escapes/);
    expect(() => parseS3Uri('/tmp/file')).toThrow(/not an s3/);
  });
});
