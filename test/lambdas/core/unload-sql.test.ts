import { describe, expect, it } from 'vitest';
import { renderUnloadSql, unloadSpecSchema } from '../../../lambdas/core/unload-sql.ts';

describe('renderUnloadSql', () => {
  it('GIVEN a query with quotes and a trailing semicolon WHEN rendered THEN the quotes are doubled inside UNLOAD and the file is one Parquet, overwritten', () => {
    const spec = unloadSpecSchema.parse({
      sql: "SELECT level, COUNT(*) FROM songplays WHERE level = 'paid' GROUP BY level;\n",
      to: 's3://redline-work/published/sparkify/2018-11-05/free_vs_paid/',
      iamRole: 'arn:aws:iam::123456789012:role/redline-copy',
    });
    expect(renderUnloadSql(spec)).toBe(
      "UNLOAD ('SELECT * FROM (SELECT level, COUNT(*) FROM songplays WHERE level = ''paid'' GROUP BY level\n) AS published') " +
        "TO 's3://redline-work/published/sparkify/2018-11-05/free_vs_paid/' IAM_ROLE 'arn:aws:iam::123456789012:role/redline-copy' " +
        'FORMAT AS PARQUET PARALLEL OFF ALLOWOVERWRITE',
    );
  });

  it('GIVEN a top-10 query WHEN rendered THEN its LIMIT is nested in a subquery, where UNLOAD allows it', () => {
    const spec = unloadSpecSchema.parse({ sql: 'SELECT song, plays FROM top ORDER BY plays DESC LIMIT 10;', to: 's3://redline-work/published/sparkify/x/top/' });

    expect(renderUnloadSql(spec)).toMatch(/^UNLOAD \('SELECT \* FROM \(SELECT song, plays FROM top ORDER BY plays DESC LIMIT 10\n\) AS published'\) TO /);
  });

  it('GIVEN a destination that is not a prefix WHEN parsed THEN it is refused', () => {
    expect(() => unloadSpecSchema.parse({ sql: 'SELECT 1', to: 's3://redline-work/published/x.parquet' })).toThrow(/ending with \//);
  });
});
