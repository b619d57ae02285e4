// A cleaning step's normalisations as one Redshift UPDATE: each named text column is trimmed, then
// an empty string becomes NULL, then the value is put in lower or upper case, in that order, so
// '  Paid ' with trim, emptyAsNull and lowerCase becomes 'paid' and '   ' becomes NULL.
import type { CleanStepSpec } from '../../../lib/pipelines/spec.ts';
import { InvalidInput } from '../errors.ts';
import { columnNamed, type TableColumn } from './table-columns.ts';

type Normalisations = Pick<CleanStepSpec, 'table' | 'trim' | 'emptyAsNull' | 'lowerCase' | 'upperCase'>;

/**
 * The UPDATE normalising `step.table`'s columns, or none when the step normalises nothing.
 * @param columns the table's columns (see tableColumns)
 * @throws InvalidInput when a named column is missing or not text, or is put in both cases
 */
export function normaliseStatement(step: Normalisations, columns: readonly TableColumn[]): string | undefined {
  const named = new Set([...step.trim, ...step.emptyAsNull, ...step.lowerCase, ...step.upperCase]);
  const both = step.lowerCase.find((c) => step.upperCase.includes(c));
  if (both !== undefined) throw new InvalidInput(`cleaning ${step.table}: column ${both} cannot be put in both lower and upper case`);
  for (const name of named) {
    if (columnNamed(columns, name, step.table).kind !== 'text') throw new InvalidInput(`cleaning ${step.table}: column ${name} is not text, so it cannot be trimmed or recased`);
  }
  const assignments = columns.filter((c) => named.has(c.name)).map((c) => `${c.name} = ${normalised(step, c.name)}`);
  return assignments.length === 0 ? undefined : `UPDATE ${step.table} SET ${assignments.join(', ')}`;
}

function normalised(step: Normalisations, column: string): string {
  let value = column;
  if (step.trim.includes(column)) value = `TRIM(${value})`;
  if (step.emptyAsNull.includes(column)) value = `NULLIF(${value}, '')`;
  if (step.lowerCase.includes(column)) value = `LOWER(${value})`;
  if (step.upperCase.includes(column)) value = `UPPER(${value})`;
  return value;
}
