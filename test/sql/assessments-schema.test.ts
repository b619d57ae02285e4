// sql/assessments/create_tables.sql against ASSESSMENT_TABLES: every final and staging table declares
// exactly the columns, Redshift types and nullability the flattener writes (so the DDL cannot drift
// from the JSON-lines keys COPY maps), the attempt tables are distributed and sorted on attempt_key,
// and the script runs, twice, on the local DuckDB warehouse.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ASSESSMENT_TABLE_NAMES, ASSESSMENT_TABLES, type AssessmentTable } from '../../lambdas/core/assessments/tables.ts';
import { isKeyword, isPunct, isSignificant, splitStatements, tokenize, type Token } from '../../lambdas/core/sql-tokens.ts';
import { DuckDbWarehouse } from '../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../lib/local/filesystem-store.ts';
import { SQL_ROOT } from '../../lib/local/project-paths.ts';

interface DeclaredColumn {
  name: string;
  type: string;
  nullable: boolean;
}

interface DeclaredTable {
  name: string;
  columns: DeclaredColumn[];
  /** the table attributes after the column list, tokens joined by single spaces */
  attributes: string;
}

const STAGING_TABLES = ASSESSMENT_TABLE_NAMES.map((table) => `staging_${table}`);

async function statements(): Promise<string[]> {
  return splitStatements(await readFile(join(SQL_ROOT, 'assessments', 'create_tables.sql'), 'utf8'));
}

function unquote(token: Token): string {
  return token.kind === 'quoted' ? token.text.slice(1, -1).replaceAll('""', '"') : token.text;
}

/** Reads `CREATE TABLE IF NOT EXISTS name ( column type [NOT NULL], … ) attributes`. */
function parseCreateTable(statement: string): DeclaredTable {
  const tokens = tokenize(statement).filter(isSignificant);
  const head = tokens.slice(0, 5).map((t) => t.text.toUpperCase());
  expect(head, statement).toEqual(['CREATE', 'TABLE', 'IF', 'NOT', 'EXISTS']);
  const name = unquote(tokens[5]!);
  expect(isPunct(tokens[6], '('), statement).toBe(true);
  const elements: Token[][] = [[]];
  let depth = 1;
  let at = 7;
  for (; depth > 0; at++) {
    const token = tokens[at]!;
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
    if (depth === 0) break;
    if (depth === 1 && isPunct(token, ',')) elements.push([]);
    else elements.at(-1)!.push(token);
  }
  const columns = elements.map((element) => {
    const notNull = element.findIndex((t) => isKeyword(t, 'NOT'));
    const typeTokens = element.slice(1, notNull < 0 ? undefined : notNull);
    return { name: unquote(element[0]!), type: typeTokens.map((t) => t.text.toUpperCase()).join(''), nullable: notNull < 0 };
  });
  const attributes = tokens.slice(at + 1).map((t) => t.text).join(' ');
  return { name, columns, attributes };
}

function expectedColumns(table: AssessmentTable): DeclaredColumn[] {
  return ASSESSMENT_TABLES[table].map(({ name, type, nullable }) => ({ name, type, nullable }));
}

describe('sql/assessments/create_tables.sql', () => {
  it('creates exactly the final and staging tables, each once and only if absent', async () => {
    const names = (await statements()).map((s) => parseCreateTable(s).name);
    expect([...names].sort()).toEqual([...ASSESSMENT_TABLE_NAMES, ...STAGING_TABLES].sort());
  });

  it('declares every table, final and staging, with the columns, types and nullability of ASSESSMENT_TABLES', async () => {
    const tables = new Map((await statements()).map((s) => parseCreateTable(s)).map((t) => [t.name, t]));
    for (const table of ASSESSMENT_TABLE_NAMES) {
      expect(tables.get(table)?.columns, table).toEqual(expectedColumns(table));
      expect(tables.get(`staging_${table}`)?.columns, `staging_${table}`).toEqual(expectedColumns(table));
    }
  });

  it('distributes the attempt tables on attempt_key and sorts the final ones by it', async () => {
    const tables = new Map((await statements()).map((s) => parseCreateTable(s)).map((t) => [t.name, t]));
    for (const table of ['assessments', 'assessment_questions', 'assessment_options'] as const) {
      expect(tables.get(table)?.attributes).toMatch(/^DISTSTYLE KEY DISTKEY \( attempt_key \) (COMPOUND )?SORTKEY \( attempt_key\b/);
      expect(tables.get(`staging_${table}`)?.attributes).toBe('DISTSTYLE KEY DISTKEY ( attempt_key )');
    }
  });

  describe('on the local DuckDB warehouse', () => {
    let warehouse: DuckDbWarehouse | undefined;
    afterEach(async () => {
      await warehouse?.close();
      warehouse = undefined;
    });

    it('runs (twice: it only creates what is absent) and leaves the declared columns with their Redshift types', async () => {
      warehouse = await DuckDbWarehouse.open(':memory:', new FilesystemObjectStore({}));
      const script = await statements();
      await warehouse.executeInTransaction(script, { runId: 't', step: 'schema' });
      await warehouse.executeInTransaction(script, { runId: 't', step: 'schema' });

      for (const table of [...ASSESSMENT_TABLE_NAMES, ...STAGING_TABLES]) {
        const rows = await warehouse.query(
          'SELECT column_name, comment, is_nullable FROM duckdb_columns() WHERE table_name = :table ORDER BY column_index',
          { table },
        );
        const source = table.replace(/^staging_/, '') as AssessmentTable;
        expect(
          rows.map((r) => ({ name: r.column_name, type: r.comment, nullable: r.is_nullable })),
          table,
        ).toEqual(expectedColumns(source));
      }
    });
  });
});
