// Table fingerprints for tests: a row count and an order-independent hash, so two warehouses
// (or two runs) can be compared table by table without caring about row order or float noise.
import { createHash } from 'node:crypto';
import type { Row, SqlValue, Warehouse } from '../../lambdas/core/ports.ts';

export interface Fingerprint {
  rows: number;
  hash: string;
}

/** Row count and an order-independent hash: the sum, mod 2^64, of each canonical row's md5 prefix. */
export function fingerprint(rows: readonly Row[]): Fingerprint {
  let sum = 0n;
  for (const row of rows) sum += BigInt(`0x${createHash('md5').update(canonicalRow(row)).digest('hex').slice(0, 16)}`);
  return { rows: rows.length, hash: BigInt.asUintN(64, sum).toString(16) };
}

/** JSON of the row with keys sorted, floats rounded to 6 decimals and timestamps as UTC ISO text. */
function canonicalRow(row: Row): string {
  return JSON.stringify(Object.keys(row).sort().map((key) => [key, canonicalValue(row[key] ?? null)]));
}

function canonicalValue(value: SqlValue): SqlValue {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toFixed(6));
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(value)) {
    const date = new Date(value.replace(' ', 'T').replace(/(\d)$/, '$1Z'));
    return Number.isNaN(date.getTime()) ? value : date.toISOString();
  }
  return value;
}

/** The fingerprint of every table named, read with SELECT *. */
export async function fingerprintTables(warehouse: Warehouse, tables: readonly string[]): Promise<Record<string, Fingerprint>> {
  const prints: Record<string, Fingerprint> = {};
  for (const table of tables) prints[table] = fingerprint(await warehouse.query(`SELECT * FROM ${table}`));
  return prints;
}
