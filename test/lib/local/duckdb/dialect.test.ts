// Tests for the Redshift → DuckDB dialect layer: each checks the translated text where it matters and
// runs the result on a real DuckDB, so a translation that reads right but does not execute fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DIALECT_SETUP, translateScript, translateStatement } from '../../../../lib/local/duckdb/dialect.ts';
import { splitStatements } from '../../../../lambdas/core/sql-tokens.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  for (const statement of DIALECT_SETUP) await db.run(statement);
});

afterEach(() => {
  db.closeSync();
  instance.closeSync();
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson();
}

async function runAll(statements: readonly string[]): Promise<void> {
  for (const statement of statements) await db.run(statement);
}

/** Translates and runs a Redshift script; returns the rows of its last statement. */
async function runRedshift(script: string): Promise<Record<string, unknown>[]> {
  const statements = translateScript(script);
  await runAll(statements.slice(0, -1));
  return rows(statements.at(-1)!);
}

async function columnComments(table: string, schema = 'main'): Promise<Record<string, unknown>> {
  const found = await rows(
    `SELECT column_name, comment FROM duckdb_columns()
     WHERE table_name = '${table}' AND schema_name = '${schema}' ORDER BY column_index`,
  );
  return Object.fromEntries(found.map((r) => [r.column_name, r.comment]));
}

describe('splitStatements', () => {
  it('splits on ; and keeps a last statement that has no ;', async () => {
    const statements = splitStatements('SELECT 1 AS a;\n  SELECT 2 AS b  \n');
    expect(statements).toEqual(['SELECT 1 AS a', 'SELECT 2 AS b']);
    expect(await rows(statements[1]!)).toEqual([{ b: 2 }]);
  });

  it("ignores ; inside string literals, '' escapes included", async () => {
    const statements = splitStatements("SELECT 'a;b' AS x; SELECT 'it''s; fine' AS y;");
    expect(statements).toEqual(["SELECT 'a;b' AS x", "SELECT 'it''s; fine' AS y"]);
    expect(await rows(statements[1]!)).toEqual([{ y: "it's; fine" }]);
  });

  it('ignores ; inside quoted identifiers, line comments and block comments', async () => {
    const script = 'SELECT 1 AS "a;b" -- no; split\n, 2 /* nor; here */ AS c; SELECT 3 AS d';
    const statements = splitStatements(script);
    expect(statements).toHaveLength(2);
    expect(await rows(statements[0]!)).toEqual([{ 'a;b': 1, c: 2 }]);
  });

  it('drops empty statements and statements that are only comments, and trims comments at the ends', () => {
    expect(splitStatements(';;\n-- header only;\n/* block; */ ; SELECT 1 -- trailing\n;  -- end')).toEqual(['SELECT 1']);
    expect(splitStatements('  \n-- nothing\n')).toEqual([]);
  });

  it('keeps a $$-quoted body whole', async () => {
    const statements = splitStatements('SELECT $$a;b$$ AS x; SELECT $tag$c;$$;d$tag$ AS y');
    expect(statements).toEqual(['SELECT $$a;b$$ AS x', 'SELECT $tag$c;$$;d$tag$ AS y']);
    expect(await rows(statements[1]!)).toEqual([{ y: 'c;$$;d' }]);
  });

  it('throws InvalidInput on an unterminated string, identifier or block comment', () => {
    expect(() => splitStatements("SELECT 'oops; SELECT 2")).toThrow(/unterminated string literal/);
    expect(() => splitStatements('SELECT "oops')).toThrow(InvalidInput);
    expect(() => splitStatements('SELECT 1 /* oops')).toThrow(/unterminated \/\* comment/);
  });
});

describe('translateStatement: CREATE TABLE', () => {
  const songplays = `CREATE TABLE IF NOT EXISTS songplays (
    songplay_id VARCHAR(32) NOT NULL SORTKEY,
    start_time TIMESTAMP NOT NULL,
    user_id INTEGER NOT NULL DISTKEY,
    level VARCHAR(10) ENCODE zstd,
    song_id VARCHAR(64),
    artist_id VARCHAR(64),
    session_id INTEGER,
    location VARCHAR(MAX),
    user_agent VARCHAR(512)
  ) DISTSTYLE KEY`;

  it('strips ENCODE, DISTKEY, SORTKEY and DISTSTYLE and records each Redshift type as a column comment', async () => {
    const [create, ...comments] = translateStatement(songplays);
    expect(create).toBe(
      'CREATE TABLE IF NOT EXISTS songplays (\n  songplay_id VARCHAR NOT NULL,\n  start_time TIMESTAMP NOT NULL,\n' +
        '  user_id INTEGER NOT NULL,\n  level VARCHAR,\n  song_id VARCHAR,\n  artist_id VARCHAR,\n  session_id INTEGER,\n' +
        '  location VARCHAR,\n  user_agent VARCHAR\n)',
    );
    expect(comments[0]).toBe("COMMENT ON COLUMN songplays.songplay_id IS 'VARCHAR(32)'");
    await runAll([create!, ...comments]);
    expect(await columnComments('songplays')).toEqual({
      songplay_id: 'VARCHAR(32)',
      start_time: 'TIMESTAMP',
      user_id: 'INTEGER',
      level: 'VARCHAR(10)',
      song_id: 'VARCHAR(64)',
      artist_id: 'VARCHAR(64)',
      session_id: 'INTEGER',
      location: 'VARCHAR(65535)',
      user_agent: 'VARCHAR(512)',
    });
  });

  it('re-running CREATE TABLE IF NOT EXISTS, its comments and sequences is harmless', async () => {
    const ddl = 'CREATE TABLE IF NOT EXISTS t (id BIGINT IDENTITY(1, 1), v VARCHAR(5))';
    await runAll(translateStatement(ddl));
    await db.run("INSERT INTO t (v) VALUES ('a')");
    await runAll(translateStatement(ddl));
    await runAll(translateStatement(songplays));
    await runAll(translateStatement(songplays));
    await db.run("INSERT INTO t (v) VALUES ('b')");
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      { id: '1', v: 'a' },
      { id: '2', v: 'b' },
    ]);
    expect(await columnComments('t')).toEqual({ id: 'BIGINT', v: 'VARCHAR(5)' });
  });

  it('drops PRIMARY KEY, so duplicates load as in Redshift, but keeps the NOT NULL a primary key implies', async () => {
    const ddl = `CREATE TABLE IF NOT EXISTS users (user_id INTEGER NOT NULL PRIMARY KEY, first_name VARCHAR, level VARCHAR(10))
      DISTSTYLE ALL SORTKEY(user_id)`;
    const statements = translateStatement(ddl);
    expect(statements[0]).toBe(
      'CREATE TABLE IF NOT EXISTS users (\n  user_id INTEGER NOT NULL,\n  first_name VARCHAR,\n  level VARCHAR\n)',
    );
    await runAll(statements);
    await db.run("INSERT INTO users VALUES (1, 'a', 'free'), (1, 'b', 'paid')");
    expect(await rows('SELECT count(*)::INTEGER AS n FROM users')).toEqual([{ n: 2 }]);
    expect(await columnComments('users')).toEqual({ user_id: 'INTEGER', first_name: 'VARCHAR(256)', level: 'VARCHAR(10)' });

    await runAll(translateStatement('CREATE TABLE k (id INT PRIMARY KEY, v INT)'));
    await expect(db.run('INSERT INTO k VALUES (NULL, 1)')).rejects.toThrow(/NOT NULL/);
  });

  it('drops table-level PRIMARY KEY, UNIQUE and FOREIGN KEY constraints and column-level UNIQUE and REFERENCES', async () => {
    const ddl = `CREATE TABLE facts (
      a INT, b INT, c INT UNIQUE, d INT REFERENCES dims (id), e INT,
      CONSTRAINT facts_pk PRIMARY KEY (a, b),
      UNIQUE (e),
      FOREIGN KEY (d) REFERENCES public.dims(id)
    )`;
    const statements = translateStatement(ddl);
    expect(statements[0]).toBe(
      'CREATE TABLE facts (\n  a INTEGER NOT NULL,\n  b INTEGER NOT NULL,\n  c INTEGER,\n  d INTEGER,\n  e INTEGER\n)',
    );
    await runAll(statements);
    await db.run('INSERT INTO facts VALUES (1, 1, 5, 99, 7), (1, 1, 5, 98, 7)');
    expect(await rows('SELECT count(*)::INTEGER AS n FROM facts')).toEqual([{ n: 2 }]);
  });

  it('turns BIGINT IDENTITY(seed, step) into a sequence created before the table', async () => {
    const statements = translateStatement('CREATE TABLE t (id BIGINT IDENTITY(0,1), v VARCHAR(5));');
    expect(statements).toEqual([
      'CREATE SEQUENCE IF NOT EXISTS t_id_seq START 0 INCREMENT 1 MINVALUE 0',
      "CREATE TABLE t (\n  id BIGINT DEFAULT nextval('t_id_seq'),\n  v VARCHAR\n)",
      "COMMENT ON COLUMN t.id IS 'BIGINT'",
      "COMMENT ON COLUMN t.v IS 'VARCHAR(5)'",
    ]);
    await runAll(statements);
    await db.run("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: '0' }, { id: '1' }, { id: '2' }]);
  });

  it('turns GENERATED BY DEFAULT AS IDENTITY(seed, step) into a sequence, negative steps included', async () => {
    const statements = translateStatement(
      'CREATE TABLE g (up INTEGER GENERATED BY DEFAULT AS IDENTITY(10, 5) NOT NULL, down BIGINT IDENTITY(-1, -2), v INT)',
    );
    expect(statements.slice(0, 2)).toEqual([
      'CREATE SEQUENCE IF NOT EXISTS g_up_seq START 10 INCREMENT 5 MINVALUE 10',
      'CREATE SEQUENCE IF NOT EXISTS g_down_seq START -1 INCREMENT -2 MAXVALUE -1',
    ]);
    await runAll(statements);
    await db.run('INSERT INTO g (v) VALUES (1), (2)');
    await db.run('INSERT INTO g (up, v) VALUES (100, 3)');
    expect(await rows('SELECT up, down, v FROM g ORDER BY v')).toEqual([
      { up: 10, down: '-1', v: 1 },
      { up: 15, down: '-3', v: 2 },
      { up: 100, down: '-5', v: 3 },
    ]);
  });

  it('maps every supported Redshift type and alias to a DuckDB type and its canonical Redshift name', async () => {
    const types: [string, string, string][] = [
      ['SMALLINT', 'SMALLINT', 'SMALLINT'],
      ['INT2', 'SMALLINT', 'SMALLINT'],
      ['INTEGER', 'INTEGER', 'INTEGER'],
      ['INT', 'INTEGER', 'INTEGER'],
      ['INT4', 'INTEGER', 'INTEGER'],
      ['BIGINT', 'BIGINT', 'BIGINT'],
      ['INT8', 'BIGINT', 'BIGINT'],
      ['DECIMAL', 'DECIMAL(18,0)', 'DECIMAL(18,0)'],
      ['NUMERIC(10)', 'DECIMAL(10,0)', 'DECIMAL(10,0)'],
      ['DECIMAL(12, 2)', 'DECIMAL(12,2)', 'DECIMAL(12,2)'],
      ['REAL', 'FLOAT', 'REAL'],
      ['FLOAT4', 'FLOAT', 'REAL'],
      ['FLOAT', 'DOUBLE', 'DOUBLE PRECISION'],
      ['FLOAT8', 'DOUBLE', 'DOUBLE PRECISION'],
      ['double   precision', 'DOUBLE', 'DOUBLE PRECISION'],
      ['BOOLEAN', 'BOOLEAN', 'BOOLEAN'],
      ['BOOL', 'BOOLEAN', 'BOOLEAN'],
      ['CHAR', 'VARCHAR', 'CHAR(1)'],
      ['CHARACTER(3)', 'VARCHAR', 'CHAR(3)'],
      ['NCHAR(2)', 'VARCHAR', 'CHAR(2)'],
      ['BPCHAR', 'VARCHAR', 'CHAR(256)'],
      ['VARCHAR', 'VARCHAR', 'VARCHAR(256)'],
      ['varchar(max)', 'VARCHAR', 'VARCHAR(65535)'],
      ['CHARACTER VARYING(MAX)', 'VARCHAR', 'VARCHAR(65535)'],
      ['CHARACTER VARYING(40)', 'VARCHAR', 'VARCHAR(40)'],
      ['NVARCHAR(7)', 'VARCHAR', 'VARCHAR(7)'],
      ['TEXT', 'VARCHAR', 'VARCHAR(256)'],
      ['DATE', 'DATE', 'DATE'],
      ['TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP'],
      ['TIMESTAMP WITHOUT TIME ZONE', 'TIMESTAMP', 'TIMESTAMP'],
      ['TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'],
      ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'],
      ['TIME', 'TIME', 'TIME'],
      ['TIMETZ', 'TIME WITH TIME ZONE', 'TIMETZ'],
      ['TIME WITH TIME ZONE', 'TIME WITH TIME ZONE', 'TIMETZ'],
      ['SUPER', 'JSON', 'SUPER'],
    ];
    const columns = types.map(([redshift], i) => `c${i} ${redshift}`).join(', ');
    await runAll(translateStatement(`CREATE TABLE types (${columns})`));
    const found = await rows("SELECT data_type, comment FROM duckdb_columns() WHERE table_name = 'types' ORDER BY column_index");
    expect(found).toEqual(types.map(([, duckdb, comment]) => ({ data_type: duckdb, comment })));
  });

  it('accepts every table attribute Redshift allows after the column list', async () => {
    const attributes = [
      'DISTSTYLE EVEN',
      'DISTSTYLE AUTO',
      'DISTKEY (a) SORTKEY (a, b)',
      'BACKUP NO COMPOUND SORTKEY(b, a)',
      'INTERLEAVED SORTKEY (a, b) BACKUP YES',
      'ENCODE AUTO SORTKEY AUTO DISTSTYLE KEY DISTKEY(b)',
    ];
    for (const [i, tail] of attributes.entries()) {
      const statements = translateStatement(`CREATE TABLE t${i} (a INT ENCODE az64, b DATE ENCODE delta) ${tail}`);
      expect(statements[0]).toBe(`CREATE TABLE t${i} (\n  a INTEGER,\n  b DATE\n)`);
      await runAll(statements);
    }
  });

  it('handles schema-qualified and quoted table and column names', async () => {
    await db.run('CREATE SCHEMA staging');
    const statements = translateStatement(
      'CREATE TABLE staging."Events" ("Event Id" BIGINT IDENTITY(1,1), "type" VARCHAR(20), payload SUPER)',
    );
    expect(statements[0]).toBe('CREATE SEQUENCE IF NOT EXISTS staging."Events_Event Id_seq" START 1 INCREMENT 1 MINVALUE 1');
    expect(statements).toContain(`COMMENT ON COLUMN staging."Events"."Event Id" IS 'BIGINT'`);
    await runAll(statements);
    await db.run(`INSERT INTO staging."Events" ("type", payload) VALUES ('click', '{"x": 1}')`);
    expect(await rows(`SELECT "Event Id" AS id, payload->>'x' AS x FROM staging."Events"`)).toEqual([{ id: '1', x: '1' }]);
    expect(await columnComments('Events', 'staging')).toEqual({ 'Event Id': 'BIGINT', type: 'VARCHAR(20)', payload: 'SUPER' });
  });

  it('keeps DEFAULT expressions, rewriting SYSDATE in them and ending them at the next attribute', async () => {
    const statements = translateStatement(
      `CREATE TABLE d (a VARCHAR(3) DEFAULT 'x,y' NOT NULL ENCODE lzo, b TIMESTAMP DEFAULT SYSDATE,
        c TIMESTAMP DEFAULT GETDATE(), n INT DEFAULT NULL, k INT DEFAULT (1 + 2) NOT NULL)`,
    );
    expect(statements[0]).toBe(
      "CREATE TABLE d (\n  a VARCHAR DEFAULT 'x,y' NOT NULL,\n  b TIMESTAMP DEFAULT current_timestamp::TIMESTAMP,\n" +
        '  c TIMESTAMP DEFAULT GETDATE(),\n  n INTEGER DEFAULT NULL,\n  k INTEGER DEFAULT (1 + 2) NOT NULL\n)',
    );
    await runAll(statements);
    await db.run('INSERT INTO d DEFAULT VALUES');
    expect(await rows('SELECT a, b IS NOT NULL AS b, c IS NOT NULL AS c, n, k FROM d')).toEqual([
      { a: 'x,y', b: true, c: true, n: null, k: 3 },
    ]);
  });

  it('creates a TEMP table and its identity sequence as temporary objects', async () => {
    const statements = translateStatement('CREATE TEMP TABLE scratch (id INT IDENTITY(1,1), v INT)');
    expect(statements.slice(0, 2)).toEqual([
      'CREATE TEMP SEQUENCE IF NOT EXISTS scratch_id_seq START 1 INCREMENT 1 MINVALUE 1',
      "CREATE TEMP TABLE scratch (\n  id INTEGER DEFAULT nextval('scratch_id_seq'),\n  v INTEGER\n)",
    ]);
    await runAll(statements);
    await db.run('INSERT INTO scratch (v) VALUES (7)');
    expect(await rows('SELECT id, v FROM scratch')).toEqual([{ id: 1, v: 7 }]);
    expect(await rows("SELECT database_name FROM duckdb_sequences() WHERE sequence_name = 'scratch_id_seq'")).toEqual([
      { database_name: 'temp' },
    ]);
  });

  it('maps COLLATE CASE_INSENSITIVE to NOCASE and drops CASE_SENSITIVE', async () => {
    const statements = translateStatement(
      'CREATE TABLE names (a VARCHAR(9) COLLATE CASE_INSENSITIVE, b VARCHAR(9) COLLATE case_sensitive)',
    );
    expect(statements[0]).toBe('CREATE TABLE names (\n  a VARCHAR COLLATE NOCASE,\n  b VARCHAR\n)');
    await runAll(statements);
    await db.run("INSERT INTO names VALUES ('Ann', 'Ann')");
    expect(await rows("SELECT a = 'ANN' AS a, b = 'ANN' AS b FROM names")).toEqual([{ a: true, b: false }]);
  });

  it('strips the table attributes of CREATE TABLE … AS and keeps the query', async () => {
    const statements = translateStatement(
      "CREATE TABLE copied DISTSTYLE EVEN SORTKEY (n) AS SELECT DATEADD(d, 1, DATE '2024-02-28') AS n",
    );
    expect(statements).toEqual(["CREATE TABLE copied AS SELECT DATEADD('day', 1, DATE '2024-02-28') AS n"]);
    await runAll(statements);
    expect(await rows('SELECT n FROM copied')).toEqual([{ n: '2024-02-29 00:00:00' }]);
  });

  it('throws InvalidInput, naming the problem, for a CREATE TABLE it cannot translate', () => {
    expect(() => translateStatement('CREATE TABLE v (b VARBYTE(10))')).toThrow(/unsupported column type VARBYTE/);
    expect(() => translateStatement('CREATE TABLE v (a INT FANCY)')).toThrow(/unsupported attribute of column a near "FANCY"/);
    expect(() => translateStatement('CREATE TABLE v (a INT) WITH OIDS')).toThrow(/unexpected text after the column list/);
    expect(() => translateStatement('CREATE TABLE v (a INT')).toThrow(/unexpected end of statement/);
    expect(() => translateStatement('CREATE TABLE v (LIKE other)')).toThrow(/LIKE/);
    expect(() => translateStatement('CREATE TABLE v (a DECIMAL(40,2))')).toThrow(/bad precision/);
    expect(() => translateStatement('CREATE TABLE v (a VARCHAR(0))')).toThrow(/bad length/);
    expect(() => translateStatement('CREATE TABLE v (a INT IDENTITY(1,0))')).toThrow(/non-zero step/);
    expect(() => translateStatement('CREATE TABLE v (a INT, PRIMARY KEY (b))')).toThrow(/primary key column b/);
    expect(() => translateStatement('CREATE TABLE v (a INT)')).not.toThrow();
    expect(() => translateStatement('CREATE TABLE v (b VARBYTE)')).toThrow(InvalidInput);
  });
});

describe('translateStatement: other statements', () => {
  it('throws InvalidInput when given more than one statement, and accepts a trailing ;', () => {
    expect(() => translateStatement('SELECT 1; SELECT 2')).toThrow(InvalidInput);
    expect(translateStatement('SELECT 1;')).toEqual(['SELECT 1']);
    expect(translateStatement('-- only a comment')).toEqual([]);
  });

  it('quotes bare dateparts of DATEADD, DATEDIFF, DATE_TRUNC and DATE_PART, whatever their case', async () => {
    const [sql] = translateStatement(
      "SELECT DateAdd(Day, 1, '2024-01-31') AS a, datediff(HOUR, '2024-01-01 08:30', '2024-01-01 10:00') AS b, " +
        "DATE_TRUNC(month, TIMESTAMP '2024-05-17 10:00') AS c, date_part ( dow , DATE '2024-01-07' ) AS d",
    );
    expect(sql).toBe(
      "SELECT DateAdd('day', 1, '2024-01-31') AS a, datediff('hour', '2024-01-01 08:30', '2024-01-01 10:00') AS b, " +
        "DATE_TRUNC('month', TIMESTAMP '2024-05-17 10:00') AS c, date_part ( 'dow' , DATE '2024-01-07' ) AS d",
    );
    expect(await rows(sql!)).toEqual([{ a: '2024-02-01 00:00:00', b: '2', c: '2024-05-01 00:00:00', d: '0' }]);
  });

  it('maps every Redshift datepart abbreviation to a part DuckDB accepts', async () => {
    const expected: Record<string, number> = {
      mil: 3, c: 21, cent: 21, dec: 202, decs: 202, y: 2024, yr: 2024, yrs: 2024, qtr: 2, qtrs: 2, mon: 5, mons: 5,
      w: 20, weeks: 20, dow: 5, dw: 5, weekday: 5, dayofweek: 5, doy: 138, dy: 138, yearday: 138, dayofyear: 138,
      d: 17, days: 17, h: 10, hr: 10, hrs: 10, m: 4, min: 4, mins: 4, s: 6, sec: 6, secs: 6,
    };
    const columns = Object.keys(expected).map((part) => `DATE_PART(${part}, TIMESTAMP '2024-05-17 10:04:06.5') AS "${part}"`);
    const [sql] = translateStatement(`SELECT ${columns.join(', ')}`);
    const [row] = await rows(sql!);
    expect(Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]))).toEqual(expected);
  });

  it('normalises an abbreviated datepart given as a string, and the datepart of EXTRACT', async () => {
    const [sql] = translateStatement(
      "SELECT DATEADD('w', 1, '2024-01-01') AS a, EXTRACT(dw FROM DATE '2024-01-07') AS b, DATE_TRUNC('qtr', DATE '2024-05-17') AS c",
    );
    expect(sql).toBe(
      "SELECT DATEADD('week', 1, '2024-01-01') AS a, EXTRACT('dow' FROM DATE '2024-01-07') AS b, " +
        "DATE_TRUNC('quarter', DATE '2024-05-17') AS c",
    );
    expect(await rows(sql!)).toEqual([{ a: '2024-01-08 00:00:00', b: '0', c: '2024-04-01 00:00:00' }]);
  });

  it('rewrites SYSDATE to the current UTC timestamp, but not a column qualified as t.sysdate', async () => {
    const [sql] = translateStatement(
      'SELECT typeof(SYSDATE) AS t, sysdate - getdate() < INTERVAL 1 MINUTE AS recent, x.sysdate FROM (SELECT 1 AS "sysdate") x',
    );
    expect(sql).toBe(
      'SELECT typeof(current_timestamp::TIMESTAMP) AS t, current_timestamp::TIMESTAMP - getdate() < INTERVAL 1 MINUTE AS recent, ' +
        'x.sysdate FROM (SELECT 1 AS "sysdate") x',
    );
    expect(await rows(sql!)).toEqual([{ t: 'TIMESTAMP', recent: true, sysdate: 1 }]);
  });

  it('turns :name parameters into $name and leaves :: casts alone', async () => {
    const [sql] = translateStatement("SELECT :start_date::DATE AS d, CAST(:n AS INT) + 1 AS n, '5'::INT AS five");
    expect(sql).toBe("SELECT $start_date::DATE AS d, CAST($n AS INT) + 1 AS n, '5'::INT AS five");
    const found = (await db.runAndReadAll(sql!, { start_date: '2024-03-01', n: 41 })).getRowObjectsJson();
    expect(found).toEqual([{ d: '2024-03-01', n: 42, five: 5 }]);
  });

  it('never rewrites inside string literals, quoted identifiers or comments', async () => {
    const sql = `SELECT 'DATEADD(d, 1, x) SYSDATE :p' AS "DATEDIFF(w, :q, SYSDATE)" -- SYSDATE :r DATEADD(d, 1, x)
      , 1 /* :s SYSDATE */ AS n`;
    expect(translateStatement(sql)).toEqual([sql]);
    expect(await rows(sql)).toEqual([{ 'DATEDIFF(w, :q, SYSDATE)': 'DATEADD(d, 1, x) SYSDATE :p', n: 1 }]);
  });

  it('leaves TRUNCATE and ordinary DML as they are', async () => {
    await runAll(translateStatement('CREATE TABLE t (a INT)'));
    for (const sql of ['INSERT INTO t VALUES (1), (2)', 'UPDATE t SET a = a + 1 WHERE a = 2', 'TRUNCATE TABLE t', 'TRUNCATE t']) {
      expect(translateStatement(sql)).toEqual([sql]);
      await db.run(sql);
    }
    expect(await rows('SELECT count(*)::INTEGER AS n FROM t')).toEqual([{ n: 0 }]);
  });
});

describe('DIALECT_SETUP', () => {
  it('sets UTC, truncating integer division and no extension auto-install or auto-load', async () => {
    expect(
      await rows(
        "SELECT current_setting('TimeZone') AS tz, 7 / 2 AS a, -7 / 2 AS b, 7.0 / 2 AS c, " +
          "current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load",
      ),
    ).toEqual([{ tz: 'UTC', a: 3, b: -3, c: 3.5, install: false, load: false }]);
  });

  it('GETDATE() is the current time as a TIMESTAMP without fractional seconds', async () => {
    const [row] = await rows(`SELECT typeof(getdate()) AS t, date_part('microsecond', getdate()) % 1000000 AS frac,
      abs(date_diff('second', getdate(), current_timestamp::TIMESTAMP)) <= 1 AS now`);
    expect(row).toEqual({ t: 'TIMESTAMP', frac: '0', now: true });
  });

  it('DATEADD returns a TIMESTAMP and adds calendar months as Redshift does', async () => {
    const sql = translateScript(`SELECT
      DATEADD(month, 1, '2008-01-31') AS month_end,      -- Redshift docs: 2008-02-29 00:00:00
      DATEADD(day, 30, DATE '2008-02-28') AS from_date,
      typeof(DATEADD(day, 1, DATE '2008-02-28')) AS type,
      DATEADD(qtr, -1, TIMESTAMP '2024-05-31 12:00') AS quarter_back,
      DATEADD(h, 36, '2024-01-01') AS hours,
      DATEADD(yrs, 1, '2024-02-29') AS leap`)[0]!;
    expect(await rows(sql)).toEqual([
      {
        month_end: '2008-02-29 00:00:00',
        from_date: '2008-03-29 00:00:00',
        type: 'TIMESTAMP',
        quarter_back: '2024-02-29 12:00:00',
        hours: '2024-01-02 12:00:00',
        leap: '2025-02-28 00:00:00',
      },
    ]);
  });

  it('DATEDIFF counts datepart boundaries crossed, weeks ending on Sunday midnight', async () => {
    const sql = translateScript(`SELECT
      DATEDIFF(week, '2009-01-01', '2009-12-31') AS docs_weeks,            -- Redshift docs: 52
      DATEDIFF(hour, '2023-01-01', '2023-01-03 05:04:03') AS docs_hours,   -- Redshift docs: 53
      DATEDIFF(year, '2008-12-31', '2009-01-01') AS year_boundary,          -- Redshift docs: 1
      DATEDIFF(hour, '2009-01-01 08:30:00', '2009-01-01 10:00:00') AS hour_boundary, -- Redshift docs: 2
      DATEDIFF(week, '2018-11-03', '2018-11-04') AS sat_to_sun,            -- Sunday crossed: 1 (DuckDB date_diff: 0)
      DATEDIFF(w, '2018-11-04', '2018-11-10 23:59') AS sun_to_sat,
      DATEDIFF(week, '2018-11-11', '2018-11-03') AS backwards,
      DATEDIFF(mon, DATE '2024-01-31', TIMESTAMP '2024-02-01 00:00') AS month_boundary,
      DATEDIFF(d, TIMESTAMP '2024-01-01 23:00', TIMESTAMP '2024-01-02 01:00') AS day_boundary`)[0]!;
    expect(await rows(sql)).toEqual([
      {
        docs_weeks: '52',
        docs_hours: '53',
        year_boundary: '1',
        hour_boundary: '2',
        sat_to_sun: '1',
        sun_to_sat: '0',
        backwards: '-2',
        month_boundary: '1',
        day_boundary: '1',
      },
    ]);
  });

  it('NVL is COALESCE and NVL2 picks by NULL-ness', async () => {
    expect(
      await rows("SELECT nvl(NULL, 'b') AS a, nvl(NULL, NULL, 3) AS b, nvl2(NULL, 'set', 'unset') AS c, nvl2(0, 'set', 'unset') AS d"),
    ).toEqual([{ a: 'b', b: 3, c: 'unset', d: 'set' }]);
  });

  it('JSON_EXTRACT_PATH_TEXT follows 1 to 3 keys and returns NULL for a missing path, as in Redshift', async () => {
    const doc = `'{"f2":{"f3":1},"f4":{"f5":99,"f6":"star","f7":{"f8":[1,2]}},"a/b":{"c~d":"odd"}}'`;
    expect(
      await rows(`SELECT
        json_extract_path_text(${doc}, 'f4', 'f6') AS docs,
        json_extract_path_text(${doc}, 'f2') AS object,
        json_extract_path_text(${doc}, 'f4', 'f7', 'f8') AS array,
        json_extract_path_text(${doc}, 'f4', 'f5') AS number,
        json_extract_path_text(${doc}, 'f4', 'nope') AS missing,
        json_extract_path_text(${doc}, 'a/b', 'c~d') AS escaped`),
    ).toEqual([{ docs: 'star', object: '{"f3":1}', array: '[1,2]', number: '99', missing: null, escaped: 'odd' }]);
    await expect(db.run(`SELECT json_extract_path_text('{"f2":', 'f2')`)).rejects.toThrow(/Malformed JSON/);
  });

  it('JSON_SERIALIZE(OBJECT(…)) writes a row as JSON text, escaping what JSON needs; NULL values as null', async () => {
    const sql = `SELECT JSON_SERIALIZE(OBJECT('n', 1, 's', 'say "hi"', 'x', CAST(NULL AS VARCHAR), 'd', CAST(2.5 AS DOUBLE PRECISION))) AS j,
      JSON_SERIALIZE(CAST(NULL AS JSON)) AS nothing, 'OBJECT(1)' AS text, t.object AS qualified
      FROM (SELECT 1 AS object) AS t`;
    const [translated] = translateStatement(sql);
    expect(translated).toContain("json_object('n', 1");
    expect(translated).toContain("'OBJECT(1)' AS text, t.object AS qualified");
    const [row] = await rows(translated!);
    expect(JSON.parse(String(row?.j))).toEqual({ n: 1, s: 'say "hi"', x: null, d: 2.5 });
    expect(row).toMatchObject({ nothing: 'null', text: 'OBJECT(1)', qualified: 1 });
  });

  it("LEN is DuckDB's character length, like Redshift's LEN", async () => {
    expect(await rows("SELECT len('héllo') AS n, len('') AS e")).toEqual([{ n: '5', e: '0' }]);
  });

  it('keeps its macros out of a file-backed database, so re-opening and re-running setup works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redline-dialect-'));
    try {
      const path = join(dir, 'warehouse.duckdb');
      for (const round of [1, 2, 3]) {
        const file = await DuckDBInstance.create(path);
        const connection = await file.connect();
        const persisted = await connection.runAndReadAll(
          `SELECT count(*)::INTEGER AS n FROM duckdb_functions()
           WHERE function_name IN ('getdate', 'nvl', 'datediff') AND database_name <> 'temp' AND function_type = 'macro'`,
        );
        expect(persisted.getRowObjectsJson()).toEqual([{ n: 0 }]);
        for (const statement of DIALECT_SETUP) await connection.run(statement);
        const ddl = 'CREATE TABLE IF NOT EXISTS runs (id INT IDENTITY(1,1), ran_at TIMESTAMP DEFAULT GETDATE())';
        for (const statement of translateStatement(ddl)) await connection.run(statement);
        await connection.run('INSERT INTO runs DEFAULT VALUES');
        const ids = await connection.runAndReadAll('SELECT max(id) AS id, count(ran_at)::INTEGER AS n FROM runs');
        expect(ids.getRowObjectsJson()).toEqual([{ id: round, n: round }]);
        connection.closeSync();
        file.closeSync();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('translateScript', () => {
  it('translates and runs a whole Redshift script', async () => {
    const script = `
      -- Sparkify-style load
      CREATE TABLE IF NOT EXISTS users (user_id INTEGER NOT NULL PRIMARY KEY, first_name VARCHAR, level VARCHAR(10)) DISTSTYLE ALL SORTKEY(user_id);
      CREATE TABLE t (id BIGINT IDENTITY(0,1), v VARCHAR(5));
      INSERT INTO users VALUES (1, 'Ann; the first', 'paid');
      INSERT INTO t (v) SELECT level FROM users;
      SELECT u.first_name, t.id, NVL(t.v, 'none') AS v, DATEDIFF(day, DATEADD(d, -2, SYSDATE), GETDATE()) AS days
      FROM users u CROSS JOIN t`;
    const statements = translateScript(script);
    expect(statements).toHaveLength(4 + 4 + 3);
    expect(await runRedshift(script)).toEqual([{ first_name: 'Ann; the first', id: '0', v: 'paid', days: '2' }]);
  });
});
