// A cleaning step's constraints as SQL: the predicate a kept row satisfies, the rule's name, the
// reason naming the column and value, and the CASE picking a row's first broken rule.
import { describe, expect, it } from 'vitest';
import { constraintChecks, firstBroken } from '../../../../lambdas/core/cleaning/constraints.ts';
import type { TableColumn } from '../../../../lambdas/core/cleaning/table-columns.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';

const columns: TableColumn[] = [
  { name: 'level', kind: 'text' },
  { name: 'page', kind: 'text' },
  { name: 'status', kind: 'other' },
  { name: 'user_id', kind: 'text' },
  { name: 'doc', kind: 'super' },
];

describe('constraintChecks', () => {
  it('GIVEN notNull WHEN rendered THEN a NULL breaks it and the reason names the column', () => {
    expect(constraintChecks('t', [{ rule: 'notNull', column: 'page' }], columns)).toEqual([
      { rule: 'notNull(page)', keeps: 'page IS NOT NULL', reason: "'page is NULL'" },
    ]);
  });

  it('GIVEN acceptedValues WHEN rendered THEN the values are quoted literals, a NULL passes and the reason shows value and list', () => {
    const [check] = constraintChecks('t', [{ rule: 'acceptedValues', column: 'level', values: ['free', 'paid'] }], columns);
    expect(check).toEqual({
      rule: 'acceptedValues(level)',
      keeps: "(level IS NULL OR level IN ('free', 'paid'))",
      reason: "'level is ' || COALESCE('''' || LEFT(level, 100) || '''', 'NULL') || ', not one of ''free'', ''paid'''",
    });
    const [numbers] = constraintChecks('t', [{ rule: 'acceptedValues', column: 'status', values: [200, 307] }], columns);
    expect(numbers?.keeps).toBe('(status IS NULL OR status IN (200, 307))');
    expect(numbers?.reason).toContain("', not one of 200, 307'");
  });

  it('GIVEN a range with both bounds, one, or none WHEN rendered THEN the predicate and reason follow the bounds; none is InvalidInput', () => {
    const range = (min?: number, max?: number) => constraintChecks('t', [{ rule: 'range', column: 'status', min, max }], columns)[0];
    expect(range(100, 599)).toEqual({
      rule: 'range(status)',
      keeps: '(status IS NULL OR (status >= 100 AND status <= 599))',
      reason: "'status is ' || COALESCE(CAST(status AS VARCHAR), 'NULL') || ', not between 100 and 599'",
    });
    expect(range(100)?.reason).toContain("', not at least 100'");
    expect(range(undefined, 599)?.keeps).toBe('(status IS NULL OR (status <= 599))');
    expect(() => range()).toThrow(/needs a min, a max or both/);
  });

  it('GIVEN an expression WHEN rendered THEN it is kept whole, named by its name, and its reason shows the columns it names', () => {
    const [check] = constraintChecks(
      't',
      [{ rule: 'expression', name: 'next_song_has_user', sql: "page <> 'NextSong' OR LOWER(user_id) IS NOT NULL OR 'level' = :status OR e.status > 0" }],
      columns,
    );
    expect(check?.rule).toBe('next_song_has_user');
    expect(check?.keeps).toBe("(page <> 'NextSong' OR LOWER(user_id) IS NOT NULL OR 'level' = :status OR e.status > 0)");
    expect(check?.reason).toBe(
      "CASE WHEN NOT (page <> 'NextSong' OR LOWER(user_id) IS NOT NULL OR 'level' = :status OR e.status > 0) " +
        "THEN 'next_song_has_user is false' ELSE 'next_song_has_user is NULL' END" +
        " || ' for page = ' || COALESCE('''' || LEFT(page, 100) || '''', 'NULL')" +
        " || ', status = ' || COALESCE(CAST(status AS VARCHAR), 'NULL')" +
        " || ', user_id = ' || COALESCE('''' || LEFT(user_id, 100) || '''', 'NULL')",
    );
  });

  it('GIVEN an expression that is not one self-contained expression WHEN rendered THEN InvalidInput, so it cannot end or comment out the statement', () => {
    const expression = (sql: string) => () => constraintChecks('t', [{ rule: 'expression', name: 'e', sql }], columns);
    expect(expression('page IS NOT NULL; DELETE FROM t')).toThrow(/no ; and no comment/);
    expect(expression('page IS NOT NULL -- then nothing')).toThrow(/no ; and no comment/);
    expect(expression('page IS NOT NULL) OR (1 = 1')).toThrow(/unbalanced/);
    expect(expression("(page = ';') AND (status > 0)")).not.toThrow();
  });

  it('GIVEN a constraint on a missing or SUPER column WHEN rendered THEN InvalidInput', () => {
    expect(() => constraintChecks('t', [{ rule: 'notNull', column: 'nope' }], columns)).toThrow(/no column nope/);
    expect(() => constraintChecks('t', [{ rule: 'notNull', column: 'doc' }], columns)).toThrow(InvalidInput);
  });
});

describe('firstBroken', () => {
  it('GIVEN several checks WHEN combined THEN the first broken in order names the rule and gives the reason; NULL counts as broken', () => {
    const checks = [
      { rule: 'a', keeps: 'x > 0', reason: "'x'" },
      { rule: 'b', keeps: 'y > 0', reason: "'y'" },
    ];
    expect(firstBroken(checks)).toEqual({
      rule: "CASE WHEN (CASE WHEN x > 0 THEN 0 ELSE 1 END) = 1 THEN 'a' WHEN (CASE WHEN y > 0 THEN 0 ELSE 1 END) = 1 THEN 'b' END",
      reason: "CASE WHEN (CASE WHEN x > 0 THEN 0 ELSE 1 END) = 1 THEN 'x' WHEN (CASE WHEN y > 0 THEN 0 ELSE 1 END) = 1 THEN 'y' END",
    });
  });
});
