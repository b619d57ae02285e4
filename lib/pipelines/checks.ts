// Builders for the data-quality checks every star schema needs. Each returns a CheckSpec whose
// SQL is plain Redshift SQL; identifiers are validated before they reach the text.
import { sqlIdentifier, type CheckSpec } from './spec.ts';

const ident = (name: string): string => sqlIdentifier.parse(name);

/** The table has at least one row. */
export function notEmpty(table: string): CheckSpec {
  return { name: `${ident(table)}_not_empty`, sql: `SELECT COUNT(*) FROM ${table}`, expect: { kind: 'between', min: 1 } };
}

/** None of the columns holds NULL. */
export function noNulls(table: string, columns: readonly string[]): CheckSpec {
  const predicate = columns.map((c) => `${ident(c)} IS NULL`).join(' OR ');
  return {
    name: `${ident(table)}_no_null_keys`,
    sql: `SELECT COUNT(*) FROM ${table} WHERE ${predicate}`,
    expect: { kind: 'equals', value: 0 },
  };
}

/** No two rows share the key (Redshift does not enforce primary keys, so this check does). */
export function uniqueKey(table: string, key: readonly string[]): CheckSpec {
  const columns = key.map(ident).join(', ');
  return {
    name: `${ident(table)}_unique_key`,
    sql: `SELECT ${columns}, COUNT(*) AS copies FROM ${table} GROUP BY ${columns} HAVING COUNT(*) > 1`,
    expect: { kind: 'zero-rows' },
  };
}

/** Every non-null `column` of `table` exists as `dimensionColumn` in `dimension`. */
export function referencesExist(table: string, column: string, dimension: string, dimensionColumn: string): CheckSpec {
  return {
    name: `${ident(table)}_${ident(column)}_in_${ident(dimension)}`,
    sql:
      `SELECT f.${column} FROM ${table} AS f LEFT JOIN ${dimension} AS d ON d.${ident(dimensionColumn)} = f.${column} ` +
      `WHERE f.${column} IS NOT NULL AND d.${dimensionColumn} IS NULL`,
    expect: { kind: 'zero-rows' },
  };
}
