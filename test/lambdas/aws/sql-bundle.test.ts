import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import { defaultSqlRoot, SqlBundle } from '../../../lambdas/aws/sql-bundle.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'redline-sql-'));
  await mkdir(join(root, 'sparkify'));
  await writeFile(join(root, 'sparkify', 'songs.sql'), 'INSERT INTO songs SELECT 1;');
  await writeFile(join(root, 'outside.sql'), 'SELECT secret;');
});

describe('SqlBundle', () => {
  it('GIVEN a SQL file in the bundle WHEN read THEN its text comes back', async () => {
    expect(await new SqlBundle(root).read('sparkify/songs.sql')).toBe('INSERT INTO songs SELECT 1;');
  });

  it('GIVEN a path that climbs out of the folder WHEN read THEN InvalidInput is thrown', async () => {
    const bundle = new SqlBundle(join(root, 'sparkify'));
    await expect(bundle.read('../outside.sql')).rejects.toThrow(InvalidInput);
    await expect(bundle.read('/etc/passwd')).rejects.toThrow(/escapes/);
  });

  it('GIVEN a file that is not there WHEN read THEN InvalidInput names it', async () => {
    await expect(new SqlBundle(root).read('sparkify/nope.sql')).rejects.toThrow(/no SQL file sparkify\/nope.sql/);
  });

  it('GIVEN REDLINE_SQL_DIR WHEN no root is given THEN it is the root; otherwise the sql folder beside the bundle', () => {
    const bundleUrl = pathToFileURL('/var/task/index.mjs').href;
    expect(defaultSqlRoot({ REDLINE_SQL_DIR: '/opt/sql' }, bundleUrl)).toBe('/opt/sql');
    expect(defaultSqlRoot({}, bundleUrl)).toBe('/var/task/sql');
  });
});
