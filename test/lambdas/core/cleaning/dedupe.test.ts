// A cleaning step's dedupe as SQL: rank each key's rows by `latest`, ties broken by every other column.
import { describe, expect, it } from 'vitest';
import { dedupeSql } from '../../../../lambdas/core/cleaning/dedupe.ts';
import type { TableColumn } from '../../../../lambdas/core/cleaning/table-columns.ts';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';

const columns: TableColumn[] = [
  { name: 'session_id', kind: 'other' },
  { name: 'item', kind: 'other' },
  { name: 'page', kind: 'text' },
  { name: 'ts', kind: 'datetime' },
  { name: 'doc', kind: 'super' },
];
const dedupe = { key: ['session_id', 'item'], latest: 'ts' };

describe('dedupeSql', () => {
  it('GIVEN a key and latest WHEN ranked THEN the greatest latest comes first, NULL last, then the other orderable columns', () => {
    const sql = dedupeSql('t', dedupe, columns, []);
    expect(sql.rule).toBe('dedupe(session_id, item)');
    expect(sql.ranking).toBe(
      'ROW_NUMBER() OVER (PARTITION BY session_id, item ORDER BY ts DESC NULLS LAST, page ASC NULLS LAST) AS redline_keep_rank, ' +
        'MAX(ts) OVER (PARTITION BY session_id, item) AS redline_kept_latest',
    );
    expect(sql.ruleOfRow).toBe("CASE WHEN redline_keep_rank > 1 THEN 'dedupe(session_id, item)' END");
    expect(sql.reasonOfRow).toBe(
      "CASE WHEN redline_keep_rank > 1 THEN 'duplicate of ' || 'session_id = ' || COALESCE(CAST(session_id AS VARCHAR), 'NULL')" +
        " || ', item = ' || COALESCE(CAST(item AS VARCHAR), 'NULL') || ': kept the row with the greatest ts, '" +
        " || COALESCE(CAST(redline_kept_latest AS VARCHAR), 'NULL') || '; this row''s ts is ' || COALESCE(CAST(ts AS VARCHAR), 'NULL') END",
    );
  });

  it('GIVEN rows already split by their broken rule WHEN ranked THEN the split comes before the key', () => {
    expect(dedupeSql('t', dedupe, columns, ['redline_broken_rule']).ranking).toMatch(/^ROW_NUMBER\(\) OVER \(PARTITION BY redline_broken_rule, session_id, item ORDER BY/);
  });

  it('GIVEN a missing or SUPER key or latest WHEN ranked THEN InvalidInput', () => {
    expect(() => dedupeSql('t', { key: ['nope'], latest: 'ts' }, columns, [])).toThrow(/no column nope/);
    expect(() => dedupeSql('t', { key: ['doc'], latest: 'ts' }, columns, [])).toThrow(InvalidInput);
  });
});
