// Local ObjectStore adapter: each bucket of an s3://bucket/key URI maps to a folder on disk.
// Buckets not mapped are refused, so a typo never writes somewhere unexpected. Writes go to a temporary
// file renamed into place, so readers never see half an object.
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore, StoredObject } from '../../lambdas/core/ports.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';

export interface S3Location {
  bucket: string;
  key: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new InvalidInput(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

/** Numbers the temporary files of this process, so concurrent writes of one object never share one. */
let temporaryCounter = 0;

export class FilesystemObjectStore implements ObjectStore {
  private readonly roots: ReadonlyMap<string, string>;

  /** @param buckets bucket name → folder that stands for it */
  constructor(buckets: Readonly<Record<string, string>>) {
    this.roots = new Map(Object.entries(buckets).map(([bucket, dir]) => [bucket, resolve(dir)]));
  }

  /** The file that holds the object at `uri` (it may not exist yet). */
  localPath(uri: string): string {
    const { bucket, key } = parseS3Uri(uri);
    const root = this.roots.get(bucket);
    if (root === undefined) throw new InvalidInput(`bucket ${bucket} is not mapped to a local folder`);
    const path = resolve(root, key);
    if (path !== root && !path.startsWith(root + sep)) throw new InvalidInput(`key escapes its bucket: ${uri}`);
    return path;
  }

  async list(prefixUri: string): Promise<StoredObject[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const root = this.localPath(`s3://${bucket}/`);
    const slash = prefix.lastIndexOf('/');
    const startDir = join(root, prefix.slice(0, slash + 1));
    const keys = (await walk(startDir)).map((file) => relative(root, file).split(sep).join('/')).filter((key) => key.startsWith(prefix));
    const found = await Promise.all(
      keys.map(async (key) => ({ uri: `s3://${bucket}/${key}`, size: (await stat(join(root, key))).size })),
    );
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async get(uri: string): Promise<Buffer> {
    return readFile(this.localPath(uri));
  }

  /** Writes via a temporary file and a rename, so readers never see half an object. */
  async put(uri: string, body: string | Buffer): Promise<void> {
    await this.writeVia(uri, (temporary) => writeFile(temporary, body));
  }

  /** Opens the file first, so a missing object rejects here rather than as a stream error. */
  async openRead(uri: string): Promise<Readable> {
    const handle = await open(this.localPath(uri), 'r');
    return handle.createReadStream();
  }

  /** Streams `body` into a temporary file, renamed into place once complete (removed if anything fails). */
  async putStream(uri: string, body: Readable): Promise<void> {
    await this.writeVia(uri, (temporary) => pipeline(body, createWriteStream(temporary)));
  }

  private async writeVia(uri: string, write: (temporary: string) => Promise<void>): Promise<void> {
    const path = this.localPath(uri);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}-${++temporaryCounter}.tmp`;
    try {
      await write(temporary);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
