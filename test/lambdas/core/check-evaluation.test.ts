import { describe, expect, it } from 'vitest';
import { evaluateExpectation } from '../../../lambdas/core/check-evaluation.ts';

describe('evaluateExpectation', () => {
  it('passes zero-rows on an empty result and fails naming the count and first offender', () => {
    expect(evaluateExpectation({ kind: 'zero-rows' }, [])).toEqual({ passed: true, detail: 'no offending rows' });
    const verdict = evaluateExpectation({ kind: 'zero-rows' }, [{ user_id: 7, copies: 2 }, { user_id: 9, copies: 3 }]);
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toBe('2 offending row(s), first: {"user_id":7,"copies":2}');
  });

  it('compares the single value for equals, whatever the column is called', () => {
    expect(evaluateExpectation({ kind: 'equals', value: 0 }, [{ count: 0 }]).passed).toBe(true);
    expect(evaluateExpectation({ kind: 'equals', value: 0 }, [{ n: '3' }])).toEqual({ passed: false, detail: 'expected 0, got 3' });
  });

  it('treats between bounds as inclusive and either bound as optional', () => {
    expect(evaluateExpectation({ kind: 'between', min: 1 }, [{ n: 1 }]).passed).toBe(true);
    expect(evaluateExpectation({ kind: 'between', min: 1 }, [{ n: 0 }]).passed).toBe(false);
    expect(evaluateExpectation({ kind: 'between', max: 5 }, [{ n: 5 }]).passed).toBe(true);
    expect(evaluateExpectation({ kind: 'between', min: 1, max: 5 }, [{ n: 6 }]).detail).toBe('expected a value in [1, 5], got 6');
  });

  it('fails a bound check on NULL instead of passing it', () => {
    expect(evaluateExpectation({ kind: 'between', min: 1 }, [{ n: null }]).passed).toBe(false);
  });

  it('refuses a result that is not exactly one row of a number', () => {
    expect(() => evaluateExpectation({ kind: 'equals', value: 1 }, [])).toThrow(/one row/);
    expect(() => evaluateExpectation({ kind: 'equals', value: 1 }, [{ n: 'x' }])).toThrow(/number/);
  });
});
