import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../lambdas/core/sql-tokens.ts';

describe('splitStatements', () => {
  it('splits on semicolons and trims, keeping a last statement without one', () => {
    expect(splitStatements('SELECT 1;\n  SELECT 2 ;SELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s; fine'); SELECT "odd;name" FROM t -- trailing; comment\n; /* x; y */ SELECT 2;`;
    expect(splitStatements(script)).toEqual([
      `INSERT INTO t VALUES ('a;b', 'it''s; fine')`,
      `SELECT "odd;name" FROM t`,
      'SELECT 2',
    ]);
  });

  it('drops empty and comment-only statements and trims comments around a statement', () => {
    expect(splitStatements('-- header only\n;;  ;\n/* block */;')).toEqual([]);
  });
});

describe('splitStatements on bad input', () => {
  it('refuses an unterminated string instead of guessing where it ends', () => {
    expect(() => splitStatements("SELECT 'abc; SELECT 2")).toThrow(/unterminated string/);
  });
});
