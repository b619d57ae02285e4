// Judges a check's query result against its expectation and says why, in words a person
// reading an alert can act on.
import type { Expectation } from '../../lib/pipelines/spec.ts';
import type { Row } from './ports.ts';

export interface Verdict {
  passed: boolean;
  detail: string;
}

export function evaluateExpectation(expectation: Expectation, rows: readonly Row[]): Verdict {
  switch (expectation.kind) {
    case 'zero-rows':
      return rows.length === 0
        ? { passed: true, detail: 'no offending rows' }
        : { passed: false, detail: `${rows.length} offending row(s), first: ${JSON.stringify(rows[0])}` };
    case 'equals': {
      const value = singleNumber(rows);
      return value === expectation.value
        ? { passed: true, detail: `value ${value}` }
        : { passed: false, detail: `expected ${expectation.value}, got ${value}` };
    }
    case 'between': {
      const value = singleNumber(rows);
      const tooLow = expectation.min !== undefined && (value === null || value < expectation.min);
      const tooHigh = expectation.max !== undefined && (value === null || value > expectation.max);
      const range = `[${expectation.min ?? '-∞'}, ${expectation.max ?? '∞'}]`;
      return tooLow || tooHigh
        ? { passed: false, detail: `expected a value in ${range}, got ${value}` }
        : { passed: true, detail: `value ${value}` };
    }
  }
}

/** The first column of the only row, as a number (NULL stays null). */
function singleNumber(rows: readonly Row[]): number | null {
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
  const value = Object.values(rows[0]!)[0];
  if (value === null || value === undefined) return null;
  const number = Number(value);
  if (Number.isNaN(number)) throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return number;
}
