import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copySpecSchema, type CopyResult, type CopySpecInput } from '../../../../lambdas/core/copy-spec.ts';
import { InvalidInput, LoadErrorsExceeded, NoSourceFiles, StatementFailed } from '../../../../lambdas/core/errors.ts';
import {
  copyIntoDuckDb,
  ensureLoadErrorsTable,
  jsonPathToDuckDb,
  readLoadErrors,
} from '../../../../lib/local/duckdb/copy.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';

const context = { runId: 'run-1', step: 'stage' };
const sparkify = fileURLToPath(new URL('../../../../../shared/data/sparkify', import.meta.url));

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;
let store: FilesystemObjectStore;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
  await conn.run(`SET TimeZone='UTC'`);
  await ensureLoadErrorsTable(conn);
  dir = await mkdtemp(join(tmpdir(), 'copy-test-'));
  store = new FilesystemObjectStore({ landing: dir });
});

afterEach(async () => {
  conn.closeSync();
  instance.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** Creates `table` with plain DuckDB types and records each column's Redshift type as its comment. */
async function createTable(
  table: string,
  columns: Record<string, [duckType: string, redshiftType?: string]>,
): Promise<void> {
  const ddl = Object.entries(columns).map(([name, [type]]) => `${name} ${type}`);
  await conn.run(`CREATE TABLE ${table} (${ddl.join(', ')})`);
  for (const [name, [, redshiftType]] of Object.entries(columns)) {
    if (redshiftType !== undefined) await conn.run(`COMMENT ON COLUMN ${table}.${name} IS '${redshiftType}'`);
  }
}

function copy(input: CopySpecInput): Promise<CopyResult> {
  return copyIntoDuckDb(conn, copySpecSchema.parse(input), context, store);
}

/** COPY into `events` from JSON read with 'auto'. */
function copyAuto(from: string, options: Partial<CopySpecInput> = {}): Promise<CopyResult> {
  return copy({ table: 'events', from, format: { kind: 'json', paths: 'auto' }, ...options });
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
}

function loadErrors() {
  return readLoadErrors(conn, 'events', context, 100);
}

function expectReconciled(result: CopyResult): void {
  expect(result.read).toBe(result.loaded + result.rejected);
}

/** JSON lines: objects are serialised, strings written as they are. */
function lines(...records: unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

/** `text` one byte per character (Latin-1): '\xff' or '\xe9' stands for a byte that is not valid UTF-8 there. */
function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

describe('jsonPathToDuckDb', () => {
  it('translates bracket, dot, nested and array notation, quoting keys', () => {
    expect(jsonPathToDuckDb("$['artist']")).toBe('$."artist"');
    expect(jsonPathToDuckDb('$.auth')).toBe('$."auth"');
    expect(jsonPathToDuckDb("$['a']['b']")).toBe('$."a"."b"');
    expect(jsonPathToDuckDb('$.arr[0]')).toBe('$."arr"[0]');
    expect(jsonPathToDuckDb("$['first name'][2]")).toBe('$."first name"[2]');
    expect(jsonPathToDuckDb(" $.store.book.title ")).toBe('$."store"."book"."title"');
  });

  it('refuses what Redshift JSONPath does not allow', () => {
    for (const bad of ['artist', '$', '$.*', "$['a'", '$..a', '$[?(@.a)]', '$.a"b']) {
      expect(() => jsonPathToDuckDb(bad), bad).toThrow(InvalidInput);
    }
  });
});

describe('copyIntoDuckDb: JSON', () => {
  beforeEach(async () => {
    await createTable('events', {
      artist: ['VARCHAR', 'VARCHAR(20)'],
      user_id: ['INTEGER NOT NULL', 'INTEGER'],
      level: ['VARCHAR', 'VARCHAR(20)'],
      ts: ['TIMESTAMP', 'TIMESTAMP'],
    });
  });

  it("'auto' maps lower-case top-level keys to columns, case-sensitively; missing keys load NULL", async () => {
    await store.put(
      's3://landing/events/a.json',
      lines(
        { artist: 'Muse', user_id: 7, level: 'paid', ts: '2018-11-01 21:01:46', extra: 1 },
        { Artist: 'Ignored', user_id: 8 },
      ),
    );
    const result = await copyAuto('s3://landing/events/');
    expect(result).toEqual({ table: 'events', files: 1, read: 2, loaded: 2, rejected: 0 });
    expect(await rows('SELECT artist, user_id, level, ts FROM events ORDER BY user_id')).toEqual([
      { artist: 'Muse', user_id: 7, level: 'paid', ts: new Date('2018-11-01T21:01:46Z') },
      { artist: null, user_id: 8, level: null, ts: null },
    ]);
  });

  it('reads a jsonpaths file: bracket, dot, nested and array paths feed the columns in order', async () => {
    await store.put(
      's3://landing/paths.json',
      JSON.stringify({ jsonpaths: ["$['who']['name']", '$.uid', '$.tags[1]', "$['when']"] }),
    );
    await store.put(
      's3://landing/events/a.json',
      lines({ who: { name: 'Björk' }, uid: '12', tags: ['x', { deep: true }], when: 1541105830796 }),
    );
    const result = await copy({
      table: 'events',
      from: 's3://landing/events/',
      format: { kind: 'json', paths: 's3://landing/paths.json' },
      timeFormat: 'epochmillisecs',
    });
    expect(result).toMatchObject({ read: 1, loaded: 1, rejected: 0 });
    expect(await rows('SELECT * FROM events')).toEqual([
      { artist: 'Björk', user_id: 12, level: '{"deep":true}', ts: new Date(1541105830796) },
    ]);
  });

  it('refuses a jsonpaths file whose expression count differs from the column count', async () => {
    await store.put('s3://landing/paths.json', JSON.stringify({ jsonpaths: ['$.a', '$.b'] }));
    await store.put('s3://landing/events/a.json', lines({ a: 1 }));
    await expect(
      copyAuto('s3://landing/events/', { format: { kind: 'json', paths: 's3://landing/paths.json' } }),
    ).rejects.toThrow(InvalidInput);
  });

  it('restricts and orders target columns with a column list; the others get their default', async () => {
    await conn.run(`ALTER TABLE events ALTER COLUMN level SET DEFAULT 'free'`);
    await store.put('s3://landing/paths.json', JSON.stringify({ jsonpaths: ['$.id', '$.name'] }));
    await store.put('s3://landing/events/a.json', lines({ id: 3, name: 'Queen', level: 'paid' }));
    await copy({
      table: 'events',
      columns: ['user_id', 'artist'],
      from: 's3://landing/events/',
      format: { kind: 'json', paths: 's3://landing/paths.json' },
    });
    expect(await rows('SELECT artist, user_id, level, ts FROM events')).toEqual([
      { artist: 'Queen', user_id: 3, level: 'free', ts: null },
    ]);
  });

  it('converts epoch milliseconds, epoch seconds and ISO text into TIMESTAMP columns', async () => {
    await store.put('s3://landing/ms/a.json', lines({ user_id: 1, ts: 1543537327796 }));
    await store.put('s3://landing/s/a.json', lines({ user_id: 2, ts: 1543537327 }));
    await store.put('s3://landing/iso/a.json', lines({ user_id: 3, ts: '2018-11-30T00:22:07.796' }));
    await copyAuto('s3://landing/ms/', { timeFormat: 'epochmillisecs' });
    await copyAuto('s3://landing/s/', { timeFormat: 'epochsecs' });
    await copyAuto('s3://landing/iso/');
    expect(await rows('SELECT user_id, ts FROM events ORDER BY user_id')).toEqual([
      { user_id: 1, ts: new Date('2018-11-30T00:22:07.796Z') },
      { user_id: 2, ts: new Date('2018-11-30T00:22:07Z') },
      { user_id: 3, ts: new Date('2018-11-30T00:22:07.796Z') },
    ]);
  });

  it('loads blank and empty strings as they are unless BLANKSASNULL / EMPTYASNULL say otherwise', async () => {
    const data = lines({ user_id: 1, artist: '', level: '  ' });
    await store.put('s3://landing/plain/a.json', data);
    await store.put('s3://landing/nulls/a.json', data.replace('"user_id":1', '"user_id":2'));
    await store.put('s3://landing/empty/a.json', data.replace('"user_id":1', '"user_id":3'));
    await copyAuto('s3://landing/plain/');
    await copyAuto('s3://landing/nulls/', { blanksAsNull: true, emptyAsNull: true });
    await copyAuto('s3://landing/empty/', { emptyAsNull: true });
    expect(await rows('SELECT user_id, artist, level FROM events ORDER BY user_id')).toEqual([
      { user_id: 1, artist: '', level: '  ' },
      { user_id: 2, artist: null, level: null },
      { user_id: 3, artist: null, level: '  ' },
    ]);
  });

  it('treats a file that is one pretty-printed JSON object as one record', async () => {
    await store.put('s3://landing/events/song.json', JSON.stringify({ artist: 'Chase & Status', user_id: 5 }, null, 2));
    const result = await copyAuto('s3://landing/events/');
    expect(result).toMatchObject({ read: 1, loaded: 1, rejected: 0 });
    expect(await rows('SELECT artist, user_id FROM events')).toEqual([{ artist: 'Chase & Status', user_id: 5 }]);
  });

  it('numbers an error in a pretty-printed object with the last line of the object, as Redshift does', async () => {
    await store.put('s3://landing/events/song.json', JSON.stringify({ artist: 'x', user_id: 'five' }, null, 2) + '\n');
    const result = await copyAuto('s3://landing/events/', { maxError: 1 });
    expect(result).toMatchObject({ read: 1, loaded: 0, rejected: 1 });
    expect((await loadErrors())[0]).toMatchObject({
      lineNumber: 4,
      columnName: 'user_id',
      errorCode: 1207,
      rawFieldValue: 'five',
    });
  });

  it('records each kind of rejected row with its file, line, column, code and raw value', async () => {
    await store.put(
      's3://landing/events/a.json',
      lines(
        { artist: 'ok', user_id: 1 },
        '{"artist": "broken", "user_id": ',
        { artist: 'abc', user_id: 'abc' },
        { artist: 'fraction', user_id: 1.5 },
        { artist: 'éééééééééé', user_id: 2 },
        { artist: 'ééééééééééé', user_id: 3 },
        { artist: 'no user' },
        { artist: 'null user', user_id: null },
        { artist: 'bad ts', user_id: 4, ts: 'yesterday' },
        '[1, 2]',
      ),
    );
    const result = await copyAuto('s3://landing/events/', { maxError: 100 });
    expect(result).toEqual({ table: 'events', files: 1, read: 10, loaded: 2, rejected: 8 });
    expectReconciled(result);
    expect(await rows('SELECT artist FROM events ORDER BY user_id')).toEqual([
      { artist: 'ok' },
      { artist: 'éééééééééé' },
    ]);
    const errors = await loadErrors();
    const brief = errors.map((e) => [e.lineNumber, e.columnName, e.columnType, e.errorCode, e.rawFieldValue]);
    expect(brief).toEqual([
      [2, null, null, 1216, null],
      [3, 'user_id', 'INTEGER', 1207, 'abc'],
      [4, 'user_id', 'INTEGER', 1207, '1.5'],
      [6, 'artist', 'VARCHAR(20)', 1204, 'ééééééééééé'],
      [7, 'user_id', 'INTEGER', 1213, null],
      [8, 'user_id', 'INTEGER', 1213, null],
      [9, 'ts', 'TIMESTAMP', 1206, 'yesterday'],
      [10, null, null, 1216, null],
    ]);
    expect(errors.every((e) => e.fileName === 's3://landing/events/a.json')).toBe(true);
    expect(errors[0]).toMatchObject({
      rawLine: '{"artist": "broken", "user_id": ',
      errorMessage: expect.stringMatching(/Invalid JSON/),
    });
    expect(errors[3]?.errorMessage).toBe('String length exceeds DDL length');
    expect(errors[4]?.errorMessage).toBe('Missing data for not-null field');
    const stored = await rows(`SELECT query_id, table_name, start_time FROM redline_load_errors LIMIT 1`);
    expect(stored[0]).toMatchObject({ query_id: 'run-1:stage', table_name: 'events', start_time: expect.any(Date) });
  });

  it('reports the first failing column, left to right', async () => {
    const record = { artist: 'x'.repeat(21), user_id: 'bad', level: 'y'.repeat(21) };
    await store.put('s3://landing/events/a.json', lines(record));
    await copyAuto('s3://landing/events/', { maxError: 1 });
    expect((await loadErrors()).map((e) => e.columnName)).toEqual(['artist']);
  });

  it('loads the same values on the fast path (a clean load) and the exact path (a load with errors)', async () => {
    const good = [
      { artist: 'a', user_id: 1, level: ' 1.50 ', ts: 1543537327796 },
      { artist: 'b', user_id: '2', level: { nested: [1, 2] }, ts: '1543537327796' },
      { artist: 'c', user_id: 3, level: true, ts: null },
    ];
    const spec = { timeFormat: 'epochmillisecs', maxError: 5 } as const;
    await store.put('s3://landing/clean/a.json', lines(...good));
    await store.put('s3://landing/dirty/a.json', lines(...good, '{oops'));
    await copyAuto('s3://landing/clean/', spec);
    const clean = await rows('SELECT * FROM events ORDER BY user_id');
    await conn.run('DELETE FROM events');
    const result = await copyAuto('s3://landing/dirty/', spec);
    expect(result).toMatchObject({ read: 4, loaded: 3, rejected: 1 });
    expect(await rows('SELECT * FROM events ORDER BY user_id')).toEqual(clean);
    expect(clean[1]).toMatchObject({ level: '{"nested":[1,2]}' });
  });

  it('strips CR of CRLF line endings and skips blank lines', async () => {
    const crlf = '{"artist":"a","user_id":1}\r\n\r\n  \n{"artist":"b","user_id":"x"}\r\n';
    await store.put('s3://landing/events/a.json', crlf);
    const result = await copyAuto('s3://landing/events/', { maxError: 1 });
    expect(result).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect((await loadErrors())[0]).toMatchObject({ lineNumber: 4, rawLine: '{"artist":"b","user_id":"x"}' });
  });

  it('rejects a JSON line holding invalid UTF-8 with error 1220 and loads the rest', async () => {
    const valid = (record: unknown) => Buffer.from(lines(record));
    const invalid = latin1('{"artist":"Bj\xffrk","user_id":2}\n');
    await store.put('s3://landing/events/a.json', lines({ artist: 'clean', user_id: 1 }));
    await store.put(
      's3://landing/events/b.json',
      Buffer.concat([valid({ artist: 'Sigur Rós', user_id: 3 }), invalid, valid({ user_id: 4 })]),
    );
    const result = await copyAuto('s3://landing/events/', { maxError: 1 });
    expect(result).toEqual({ table: 'events', files: 2, read: 4, loaded: 3, rejected: 1 });
    expect(await rows('SELECT artist, user_id FROM events ORDER BY user_id')).toEqual([
      { artist: 'clean', user_id: 1 },
      { artist: 'Sigur Rós', user_id: 3 },
      { artist: null, user_id: 4 },
    ]);
    expect(await loadErrors()).toEqual([
      {
        fileName: 's3://landing/events/b.json',
        lineNumber: 2,
        columnName: null,
        columnType: null,
        errorCode: 1220,
        errorMessage: 'String contains invalid or unsupported UTF8 codepoints',
        rawLine: '{"artist":"Bj\uFFFDrk","user_id":2}',
        rawFieldValue: null,
      },
    ]);
  });

  it('fails over MAXERROR on a gzip JSON line holding invalid UTF-8, naming its file and line', async () => {
    await store.put('s3://landing/events/a.json.gz', gzipSync(latin1('{"user_id":1}\n{"user_id":2,"level":"\xff"}\n')));
    const failure = await copyAuto('s3://landing/events/', { gzip: true }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LoadErrorsExceeded);
    expect(String(failure)).toContain('s3://landing/events/a.json.gz:2');
    expect(await loadErrors()).toMatchObject([{ lineNumber: 2, errorCode: 1220 }]);
    expect(await rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('rejects a pretty-printed object holding invalid UTF-8 as one record numbered with its last line', async () => {
    const song = JSON.stringify({ artist: 'Mot\xf6rhead', user_id: 5 }, null, 2);
    await store.put('s3://landing/events/song.json', latin1(song));
    const result = await copyAuto('s3://landing/events/', { maxError: 1 });
    expect(result).toMatchObject({ read: 1, loaded: 0, rejected: 1 });
    expect(await loadErrors()).toMatchObject([
      { lineNumber: 4, errorCode: 1220, rawLine: expect.stringContaining('"artist": "Mot\uFFFDrhead"') },
    ]);
  });

  it('rejects a JSON line without a value for a NOT NULL timestamp with error 1213 naming the column', async () => {
    await createTable('plays', { user_id: ['INTEGER', 'INTEGER'], ts: ['TIMESTAMP NOT NULL', 'TIMESTAMP'] });
    const plays = lines({ user_id: 1, ts: 1541030400000 }, { user_id: 2 }, { user_id: 3, ts: null });
    await store.put('s3://landing/plays/a.json', plays);
    const format = { kind: 'json', paths: 'auto' } as const;
    const spec = { table: 'plays', from: 's3://landing/plays/', format, timeFormat: 'epochmillisecs' } as const;
    const result = await copy({ ...spec, maxError: 2 });
    expect(result).toMatchObject({ read: 3, loaded: 1, rejected: 2 });
    const errors = await readLoadErrors(conn, 'plays', context, 10);
    expect(errors.map((e) => [e.lineNumber, e.columnName, e.columnType, e.errorCode, e.errorMessage])).toEqual([
      [2, 'ts', 'TIMESTAMP', 1213, 'Missing data for not-null field'],
      [3, 'ts', 'TIMESTAMP', 1213, 'Missing data for not-null field'],
    ]);
  });
});

describe('copyIntoDuckDb: MAXERROR, appending, files', () => {
  beforeEach(async () => {
    await createTable('events', { artist: ['VARCHAR', 'VARCHAR(20)'], user_id: ['INTEGER NOT NULL', 'INTEGER'] });
    await conn.run(`INSERT INTO events VALUES ('already there', 0)`);
    await store.put(
      's3://landing/events/a.json',
      lines({ artist: 'a', user_id: 1 }, { artist: 'b', user_id: 'two' }, { artist: 'c', user_id: 3 }, '{bad'),
    );
  });

  it('appends valid rows and records errors when rejected rows stay within MAXERROR', async () => {
    const result = await copyAuto('s3://landing/events/', { maxError: 2 });
    expect(result).toEqual({ table: 'events', files: 1, read: 4, loaded: 2, rejected: 2 });
    expect(await rows('SELECT user_id FROM events ORDER BY user_id')).toEqual([
      { user_id: 0 },
      { user_id: 1 },
      { user_id: 3 },
    ]);
    expect((await loadErrors()).map((e) => e.lineNumber)).toEqual([2, 4]);
  });

  it('loads nothing over MAXERROR, keeps the rejected rows, and throws LoadErrorsExceeded with a sample', async () => {
    const attempt = copyAuto('s3://landing/events/', { maxError: 1 });
    await expect(attempt).rejects.toThrow(LoadErrorsExceeded);
    const error = (await attempt.catch((e: unknown) => e)) as LoadErrorsExceeded;
    expect(error).toMatchObject({ table: 'events', rejected: 2, maxError: 1 });
    expect(error.sample.map((e) => [e.lineNumber, e.errorCode])).toEqual([
      [2, 1207],
      [4, 1216],
    ]);
    expect(await rows('SELECT * FROM events')).toEqual([{ artist: 'already there', user_id: 0 }]);
    expect(await loadErrors()).toHaveLength(2);
  });

  it('fails on the first rejected row with the default MAXERROR 0', async () => {
    await expect(copyAuto('s3://landing/events/')).rejects.toThrow(
      LoadErrorsExceeded,
    );
  });

  it('reads every object under the prefix and counts the files', async () => {
    await store.put('s3://landing/events/sub/b.json', lines({ artist: 'd', user_id: 4 }));
    await store.put('s3://landing/other/c.json', lines({ artist: 'not me', user_id: 9 }));
    const result = await copyAuto('s3://landing/events/', { maxError: 10 });
    expect(result).toMatchObject({ files: 2, read: 5, loaded: 3, rejected: 2 });
    const errors = await loadErrors();
    expect(errors.map((e) => e.fileName)).toEqual(['s3://landing/events/a.json', 's3://landing/events/a.json']);
  });

  it('throws NoSourceFiles when the prefix holds nothing', async () => {
    await expect(copyAuto('s3://landing/nothing/')).rejects.toThrow(
      NoSourceFiles,
    );
  });

  it('reads the files a manifest names, skipping missing optional ones', async () => {
    await store.put('s3://landing/more/b.json', lines({ artist: 'e', user_id: 5 }));
    await store.put(
      's3://landing/load.manifest',
      JSON.stringify({
        entries: [
          { url: 's3://landing/more/b.json', mandatory: true },
          { url: 's3://landing/more/missing.json', mandatory: false },
        ],
      }),
    );
    const result = await copyAuto('s3://landing/load.manifest', { manifest: true });
    expect(result).toEqual({ table: 'events', files: 1, read: 1, loaded: 1, rejected: 0 });
  });

  it('fails when a mandatory manifest entry is missing, and with NoSourceFiles when none is present', async () => {
    const manifest = (mandatory: boolean) =>
      JSON.stringify({ entries: [{ url: 's3://landing/more/missing.json', mandatory }] });
    await store.put('s3://landing/m1.manifest', manifest(true));
    await store.put('s3://landing/m2.manifest', manifest(false));
    await expect(copyAuto('s3://landing/m1.manifest', { manifest: true })).rejects.toThrow(
      /mandatory file s3:\/\/landing\/more\/missing.json/,
    );
    await expect(copyAuto('s3://landing/m2.manifest', { manifest: true })).rejects.toThrow(NoSourceFiles);
  });

  it('decompresses gzip files', async () => {
    await store.put('s3://landing/gz/a.json.gz', gzipSync(lines({ artist: 'zipped', user_id: 6 })));
    const result = await copyAuto('s3://landing/gz/', { gzip: true });
    expect(result).toMatchObject({ read: 1, loaded: 1 });
    expect(await rows('SELECT artist FROM events WHERE user_id = 6')).toEqual([{ artist: 'zipped' }]);
  });

  it('fails with a clear error naming a truncated gzip file', async () => {
    const zipped = gzipSync(lines(...Array.from({ length: 200 }, (_, i) => ({ artist: `a${i}`, user_id: i }))));
    await store.put('s3://landing/gz/broken.json.gz', zipped.subarray(0, zipped.length - 20));
    const attempt = copyAuto('s3://landing/gz/', { gzip: true });
    await expect(attempt).rejects.toThrow(StatementFailed);
    await expect(attempt).rejects.toThrow(/s3:\/\/landing\/gz\/broken\.json\.gz/);
  });

  it('refuses a column list naming a column the table does not have', async () => {
    await expect(
      copyAuto('s3://landing/events/', { columns: ['nope'] }),
    ).rejects.toThrow(InvalidInput);
  });
});

describe('copyIntoDuckDb: CSV', () => {
  beforeEach(async () => {
    await createTable('events', {
      artist: ['VARCHAR', 'VARCHAR(30)'],
      user_id: ['INTEGER', 'INTEGER'],
      level: ['VARCHAR', 'CHAR(4)'],
      price: ['DECIMAL(8,2)', 'DECIMAL(8,2)'],
    });
  });

  it('skips header lines per file and parses RFC 4180 quoting', async () => {
    await store.put(
      's3://landing/csv/a.csv',
      'artist,user_id,level,price\n"Crosby, Stills & Nash",1,paid,20.259\n"Say ""hi""",,free,\n"two\nlines", 3 ,"",1\n',
    );
    await store.put('s3://landing/csv/b.csv', 'artist,user_id,level,price\r\nplain,4, ,0.5\r\n');
    const result = await copy({ table: 'events', from: 's3://landing/csv/', format: { kind: 'csv', ignoreHeader: 1 } });
    expect(result).toEqual({ table: 'events', files: 2, read: 4, loaded: 4, rejected: 0 });
    expect(await rows('SELECT artist, user_id, level, price::VARCHAR AS price FROM events ORDER BY artist')).toEqual([
      { artist: 'Crosby, Stills & Nash', user_id: 1, level: 'paid', price: '20.25' },
      { artist: 'Say "hi"', user_id: null, level: 'free', price: null },
      { artist: 'plain', user_id: 4, level: ' ', price: '0.50' },
      { artist: 'two\nlines', user_id: 3, level: '', price: '1.00' },
    ]);
  });

  it('applies EMPTYASNULL and BLANKSASNULL to string fields and a custom delimiter', async () => {
    await store.put('s3://landing/csv/a.csv', 'x||free|\n"  "|2||\n');
    const format = { kind: 'csv', delimiter: '|' } as const;
    await copy({ table: 'events', from: 's3://landing/csv/', format, emptyAsNull: true, blanksAsNull: true });
    expect(await rows('SELECT artist, user_id, level FROM events ORDER BY artist NULLS LAST')).toEqual([
      { artist: 'x', user_id: null, level: 'free' },
      { artist: null, user_id: 2, level: null },
    ]);
  });

  it('rejects records with too many or too few fields, bad quoting and over-long values', async () => {
    await store.put(
      's3://landing/csv/a.csv',
      'h\nok,1,paid,1\nextra,1,paid,1,more\nshort,1\n"bad"quote,1,paid,1\nlong,1,paid!,1\n',
    );
    const format = { kind: 'csv', ignoreHeader: 1 } as const;
    const result = await copy({ table: 'events', from: 's3://landing/csv/', format, maxError: 10 });
    expect(result).toEqual({ table: 'events', files: 1, read: 5, loaded: 1, rejected: 4 });
    const errors = await readLoadErrors(conn, 'events', context, 10);
    expect(errors.map((e) => [e.lineNumber, e.columnName, e.errorCode])).toEqual([
      [3, null, 1202],
      [4, null, 1203],
      [5, null, 1216],
      [6, 'level', 1204],
    ]);
    expect(errors[3]).toMatchObject({ rawLine: 'long,1,paid!,1', rawFieldValue: 'paid!', columnType: 'CHAR(4)' });
  });

  it('rejects a CSV record holding invalid UTF-8 on any of its lines with error 1220 and loads the rest', async () => {
    const csv = 'h\nok,1,paid,1\n"two\nline\xe9",2,paid,1\nCaf\xe9,3,paid,1\nlast,4,free,1\n';
    await store.put('s3://landing/csv/a.csv', latin1(csv));
    const format = { kind: 'csv', ignoreHeader: 1 } as const;
    const result = await copy({ table: 'events', from: 's3://landing/csv/', format, maxError: 2 });
    expect(result).toEqual({ table: 'events', files: 1, read: 4, loaded: 2, rejected: 2 });
    expect(await rows('SELECT artist FROM events ORDER BY user_id')).toEqual([{ artist: 'ok' }, { artist: 'last' }]);
    const errors = await readLoadErrors(conn, 'events', context, 10);
    expect(errors.map((e) => [e.lineNumber, e.columnName, e.errorCode, e.rawLine])).toEqual([
      [3, null, 1220, '"two\nline\uFFFD",2,paid,1'],
      [5, null, 1220, 'Caf\uFFFD,3,paid,1'],
    ]);
  });

  it('rejects a CSV record with no value for a NOT NULL column with error 1213 naming the column', async () => {
    await createTable('accounts', { id: ['INTEGER NOT NULL', 'INTEGER'], name: ['VARCHAR', 'VARCHAR(10)'] });
    await store.put('s3://landing/accounts/a.csv', '1,Ada\n,Grace\n');
    const format = { kind: 'csv' } as const;
    const result = await copy({ table: 'accounts', from: 's3://landing/accounts/', format, maxError: 1 });
    expect(result).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect(await readLoadErrors(conn, 'accounts', context, 10)).toMatchObject([
      { lineNumber: 2, columnName: 'id', errorCode: 1213, errorMessage: 'Missing data for not-null field' },
    ]);
  });
});

describe('readLoadErrors', () => {
  it('returns the newest load of the run first and honours the limit', async () => {
    await createTable('events', { user_id: ['INTEGER', 'INTEGER'] });
    await store.put('s3://landing/one/a.json', lines({ user_id: 'old' }));
    await store.put('s3://landing/two/a.json', lines({ user_id: 'new1' }, { user_id: 'new2' }));
    await copyAuto('s3://landing/one/', { maxError: 5 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await copyAuto('s3://landing/two/', { maxError: 5 });
    const errors = await readLoadErrors(conn, 'events', context, 2);
    expect(errors.map((e) => e.rawFieldValue)).toEqual(['new1', 'new2']);
    expect(await readLoadErrors(conn, 'events', { runId: 'other', step: 'stage' }, 10)).toEqual([]);
  });
});

describe.skipIf(!existsSync(sparkify))('copyIntoDuckDb: the Sparkify data set', () => {
  it('stages 8,056 events through log_json_path.json and 71 songs with auto, nothing rejected', async () => {
    store = new FilesystemObjectStore({ landing: sparkify });
    const varchar = (n: number): [string, string] => ['VARCHAR', `VARCHAR(${n})`];
    const int: [string, string] = ['INTEGER', 'INTEGER'];
    const double: [string, string] = ['DOUBLE', 'DOUBLE PRECISION'];
    await createTable('staging_events', {
      artist: varchar(512), auth: varchar(32), first_name: varchar(256), gender: ['VARCHAR', 'CHAR(1)'],
      item_in_session: int, last_name: varchar(256), length: double, level: varchar(10), location: varchar(512),
      method: varchar(10), page: varchar(64), registration: double, session_id: int, song: varchar(512), status: int,
      ts: ['TIMESTAMP', 'TIMESTAMP'], user_agent: varchar(512), user_id: varchar(16),
    });
    await createTable('staging_songs', {
      num_songs: int, artist_id: varchar(64), artist_latitude: double, artist_longitude: double,
      artist_location: varchar(512), artist_name: varchar(512), song_id: varchar(64), title: varchar(512),
      duration: double, year: int,
    });
    const events = await copy({
      table: 'staging_events',
      from: 's3://landing/log_data/',
      format: { kind: 'json', paths: 's3://landing/log_json_path.json' },
      timeFormat: 'epochmillisecs',
      blanksAsNull: true,
      emptyAsNull: true,
    });
    const songs = await copy({
      table: 'staging_songs',
      from: 's3://landing/song_data/',
      format: { kind: 'json', paths: 'auto' },
    });
    expect(events).toMatchObject({ read: 8056, loaded: 8056, rejected: 0 });
    expect(songs).toMatchObject({ files: 71, read: 71, loaded: 71, rejected: 0 });
    const [check] = await rows(
      `SELECT count(*) AS n, count(ts) AS with_ts, min(ts) >= TIMESTAMP '2018-11-01' AS november FROM staging_events`,
    );
    expect(check).toEqual({ n: 8056, with_ts: 8056, november: true });

    // The same events through the exact path (one bad line added) load exactly the same rows.
    const fast = await rows('SELECT * FROM staging_events ORDER BY ts, session_id, item_in_session');
    await conn.run('DELETE FROM staging_events');
    store = new FilesystemObjectStore({ landing: sparkify, extra: dir });
    await store.put('s3://extra/bad.json', '{"artist": \n');
    const logs = (await store.list('s3://landing/log_data/')).map((o) => ({ url: o.uri, mandatory: true }));
    const entries = [...logs, { url: 's3://extra/bad.json' }];
    await store.put('s3://extra/events.manifest', JSON.stringify({ entries }));
    const exact = await copy({
      table: 'staging_events',
      from: 's3://extra/events.manifest',
      manifest: true,
      format: { kind: 'json', paths: 's3://landing/log_json_path.json' },
      timeFormat: 'epochmillisecs',
      blanksAsNull: true,
      emptyAsNull: true,
      maxError: 1,
    });
    expect(exact).toMatchObject({ files: 31, read: 8057, loaded: 8056, rejected: 1 });
    expect(await rows('SELECT * FROM staging_events ORDER BY ts, session_id, item_in_session')).toEqual(fast);
  });
});
