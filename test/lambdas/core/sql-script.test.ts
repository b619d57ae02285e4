import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../lambdas/core/sql-script.ts';

describe('splitStatements', () => {
  it('splits on semicolons and trims, keeping a last statement without one', () => {
    expect(splitStatements('SELECT 1;\n  SELECT 2 ;SELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s; fine'); SELECT "odd;name" FROM t -- trailing; comment\n; /* x; y */ SELECT 2;`;
    expect(splitStatements(script)).toEqual([
      `INSERT INTO t VALUES ('a;b', 'it''s; fine')`,
      `SELECT "odd;name" FROM t -- trailing; comment`,
      '/* x; y */ SELECT 2',
    ]);
  });

  it('drops empty and comment-only statements', () => {
    expect(splitStatements('-- header only\n;;  ;\n/* block */;')).toEqual([]);
  });
});
