import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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

  it('streams an object out in chunks, never as one buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const store = new FilesystemObjectStore({ work: dir });
    const text = 'x'.repeat(200_000);
    await writeFile(join(dir, 'big.txt'), text);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.openRead('s3://work/big.txt')) chunks.push(chunk as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString()).toBe(text);
  });

  it('rejects opening a missing object at once, not as a later stream error', async () => {
    const store = new FilesystemObjectStore({ work: await mkdtemp(join(tmpdir(), 'store-')) });
    await expect(store.openRead('s3://work/none.json')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.openRead('s3://other/x')).rejects.toThrow(/not mapped/);
  });

  it('writes a stream to its object, replacing what was there, with no temporary file left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const store = new FilesystemObjectStore({ work: dir });
    await store.put('s3://work/out/a.jsonl', 'old');
    await store.putStream('s3://work/out/a.jsonl', Readable.from(['line 1\n', 'line 2\n']));
    expect(await readFile(join(dir, 'out/a.jsonl'), 'utf8')).toBe('line 1\nline 2\n');
    expect(await readdir(join(dir, 'out'))).toEqual(['a.jsonl']);
    await store.putStream('s3://work/out/new/b.jsonl', Readable.from([]));
    expect(await readFile(join(dir, 'out/new/b.jsonl'), 'utf8')).toBe('');
  });

  it('keeps the old object when the stream fails, and removes the partial temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const store = new FilesystemObjectStore({ work: dir });
    await store.put('s3://work/out/a.jsonl', 'old');
    async function* failing(): AsyncGenerator<string> {
      yield 'half a ';
      throw new Error('source broke');
    }
    await expect(store.putStream('s3://work/out/a.jsonl', Readable.from(failing()))).rejects.toThrow(/source broke/);
    expect(await readFile(join(dir, 'out/a.jsonl'), 'utf8')).toBe('old');
    expect(await readdir(join(dir, 'out'))).toEqual(['a.jsonl']);
  });

  it('refuses unmapped buckets and keys that escape their bucket', () => {
    const store = new FilesystemObjectStore({ work: '/tmp/x' });
    expect(() => store.localPath('s3://other/key')).toThrow(/not mapped/);
    expect(() => store.localPath('s3://work/../etc/passwd')).toThrow(/escapes/);
    expect(() => parseS3Uri('/tmp/file')).toThrow(/not an s3/);
  });
});
