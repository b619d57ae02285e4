// SQL text for the cleaning statements: literals from a validated spec, quoted so that no value can
// end its string (Redshift also reads a backslash in a literal as an escape, so none is let through),
// and the expressions that write a row's value into a quarantine reason.
import { InvalidInput } from '../errors.ts';
import type { TableColumn } from './table-columns.ts';

/** The longest part of a text value quoted into a reason, in characters. */
const REASON_VALUE_CHARS = 100;

/**
 * `text` as a SQL string literal.
 * @throws InvalidInput when `text` holds a backslash or a control character
 */
export function sqlString(text: string): string {
  if (/[\\\p{Cc}]/u.test(text)) throw new InvalidInput(`a cleaning literal may not hold a backslash or a control character: ${JSON.stringify(text)}`);
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A number from a spec as a SQL numeric literal.
 * @throws InvalidInput when it is not finite
 */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new InvalidInput(`a cleaning bound must be a finite number, got ${value}`);
  return String(value);
}

/** A literal a rule compares with: a number as a number, a string quoted. */
export function sqlLiteral(value: string | number): string {
  return typeof value === 'number' ? sqlNumber(value) : sqlString(value);
}

/** A literal as a reason shows it: a number as written, a string in single quotes. */
export function shownLiteral(value: string | number): string {
  return typeof value === 'number' ? sqlNumber(value) : `'${value}'`;
}

/**
 * An expression giving a row's value of `column` as a reason shows it: text in single quotes
 * (its first 100 characters), anything else as text, NULL as the word NULL.
 */
export function shownValue(column: TableColumn): string {
  return column.kind === 'text'
    ? `COALESCE('''' || LEFT(${column.name}, ${REASON_VALUE_CHARS}) || '''', 'NULL')`
    : `COALESCE(CAST(${column.name} AS VARCHAR), 'NULL')`;
}
