// Reading a cleaned table's columns from its CREATE TABLE in the pipeline's schema SQL.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnNamed, tableColumns } from '../../../../lambdas/core/cleaning/table-columns.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';
import { SQL_ROOT } from '../../../../lib/local/project-paths.ts';

describe('tableColumns', () => {
  it("GIVEN sparkify's schema WHEN staging_events is read THEN every column comes in order with the kind of value it holds", async () => {
    const columns = tableColumns(await readFile(join(SQL_ROOT, 'sparkify/create_tables.sql'), 'utf8'), 'staging_events');
    expect(columns.map((c) => c.name)).toEqual([
      'artist', 'auth', 'first_name', 'gender', 'item_in_session', 'last_name', 'length', 'level', 'location',
      'method', 'page', 'registration', 'session_id', 'song', 'status', 'ts', 'user_agent', 'user_id',
    ]);
    expect(Object.fromEntries(columns.map((c) => [c.name, c.kind]))).toMatchObject({
      artist: 'text', gender: 'text', item_in_session: 'other', length: 'other', ts: 'datetime', user_id: 'text',
    });
  });

  it('GIVEN column attributes, nested parentheses and table constraints WHEN read THEN only the columns come back, names folded to lower case', () => {
    const schema = `CREATE TABLE IF NOT EXISTS other (a INT);
      CREATE TABLE IF NOT EXISTS t (
        ID BIGINT IDENTITY(0, 1) NOT NULL,
        price DECIMAL(10, 2) DEFAULT 0 ENCODE az64,
        label CHARACTER VARYING(20),
        doc SUPER,
        day DATE,
        PRIMARY KEY (id),
        CONSTRAINT u UNIQUE (label)
      ) DISTSTYLE ALL SORTKEY (id)`;
    expect(tableColumns(schema, 't')).toEqual([
      { name: 'id', kind: 'other' },
      { name: 'price', kind: 'other' },
      { name: 'label', kind: 'text' },
      { name: 'doc', kind: 'super' },
      { name: 'day', kind: 'datetime' },
    ]);
  });

  it('GIVEN a table the script does not declare, declares with LIKE, or with a quoted column WHEN read THEN InvalidInput', () => {
    expect(() => tableColumns('CREATE TABLE IF NOT EXISTS t (a INT)', 'u')).toThrow(/no CREATE TABLE IF NOT EXISTS u/);
    expect(() => tableColumns('CREATE TABLE IF NOT EXISTS t (LIKE u)', 't')).toThrow(InvalidInput);
    expect(() => tableColumns('CREATE TABLE IF NOT EXISTS t ("Odd Name" INT)', 't')).toThrow(/not a plain/);
  });

  it('GIVEN a column the table lacks WHEN looked up THEN InvalidInput names the table and its columns', () => {
    const columns = tableColumns('CREATE TABLE IF NOT EXISTS t (a INT, b VARCHAR(3))', 't');
    expect(columnNamed(columns, 'b', 't')).toEqual({ name: 'b', kind: 'text' });
    expect(() => columnNamed(columns, 'c', 't')).toThrow('table t has no column c; it has a, b');
  });
});
