// Literals and shown values in the cleaning SQL: quoted so no value ends its string.
import { describe, expect, it } from 'vitest';
import { shownLiteral, shownValue, sqlLiteral, sqlNumber, sqlString } from '../../../../lambdas/core/cleaning/sql-text.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';

describe('cleaning SQL text', () => {
  it('GIVEN a string WHEN quoted THEN its single quotes are doubled', () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlLiteral('free')).toBe("'free'");
    expect(sqlLiteral(-1.5)).toBe('-1.5');
  });

  it('GIVEN a backslash, a control character or a number that is not finite WHEN quoted THEN InvalidInput', () => {
    expect(() => sqlString('a\\')).toThrow(InvalidInput);
    expect(() => sqlString('a\nb')).toThrow(InvalidInput);
    expect(() => sqlNumber(Number.POSITIVE_INFINITY)).toThrow(InvalidInput);
  });

  it('GIVEN literals WHEN shown in a reason THEN strings are in single quotes and numbers bare', () => {
    expect(['free', 200].map(shownLiteral)).toEqual(["'free'", '200']);
  });

  it('GIVEN a column WHEN its value is shown THEN text is quoted and cut to 100 characters, anything else cast, NULL spelled out', () => {
    expect(shownValue({ name: 'level', kind: 'text' })).toBe("COALESCE('''' || LEFT(level, 100) || '''', 'NULL')");
    expect(shownValue({ name: 'ts', kind: 'datetime' })).toBe("COALESCE(CAST(ts AS VARCHAR), 'NULL')");
  });
});
