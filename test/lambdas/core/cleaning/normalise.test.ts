// A cleaning step's normalisations as one UPDATE: trim, then empty → NULL, then case.
import { describe, expect, it } from 'vitest';
import { normaliseStatement } from '../../../../lambdas/core/cleaning/normalise.ts';
import type { TableColumn } from '../../../../lambdas/core/cleaning/table-columns.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';

const columns: TableColumn[] = [
  { name: 'gender', kind: 'text' },
  { name: 'level', kind: 'text' },
  { name: 'name', kind: 'text' },
  { name: 'status', kind: 'other' },
];
const none = { table: 't', trim: [], emptyAsNull: [], lowerCase: [], upperCase: [] };

describe('normaliseStatement', () => {
  it('GIVEN every normalisation on one column WHEN rendered THEN TRIM comes first, then NULLIF, then the case', () => {
    expect(normaliseStatement({ ...none, trim: ['level'], emptyAsNull: ['level'], lowerCase: ['level'] }, columns)).toBe(
      "UPDATE t SET level = LOWER(NULLIF(TRIM(level), ''))",
    );
  });

  it('GIVEN several columns WHEN rendered THEN one UPDATE sets each named column once, in table order, and no other', () => {
    expect(normaliseStatement({ ...none, trim: ['name', 'gender'], upperCase: ['gender'], emptyAsNull: ['name'] }, columns)).toBe(
      "UPDATE t SET gender = UPPER(TRIM(gender)), name = NULLIF(TRIM(name), '')",
    );
  });

  it('GIVEN no normalisation WHEN rendered THEN there is no statement', () => {
    expect(normaliseStatement(none, columns)).toBeUndefined();
  });

  it('GIVEN a missing or non-text column, or a column in both cases, WHEN rendered THEN InvalidInput', () => {
    expect(() => normaliseStatement({ ...none, trim: ['nope'] }, columns)).toThrow(/no column nope/);
    expect(() => normaliseStatement({ ...none, trim: ['status'] }, columns)).toThrow(/status is not text/);
    expect(() => normaliseStatement({ ...none, lowerCase: ['level'], upperCase: ['level'] }, columns)).toThrow(InvalidInput);
  });
});
