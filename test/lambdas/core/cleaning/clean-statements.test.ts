// A cleaning step as the statements of its one transaction, and those statements scoped to a run.
import { describe, expect, it } from 'vitest';
import { cleaningStatements } from '../../../../lambdas/core/cleaning/clean-statements.ts';
import type { TableColumn } from '../../../../lambdas/core/cleaning/table-columns.ts';
import { runStagingTable, scopeToRun } from '../../../../lambdas/core/run-staging.ts';
import { cleanStepSchema } from '../../../../lib/pipelines/step-spec.ts';

const columns: TableColumn[] = [
  { name: 'level', kind: 'text' },
  { name: 'page', kind: 'text' },
  { name: 'ts', kind: 'datetime' },
];
const step = (rules: object) => cleanStepSchema.parse({ kind: 'clean', name: 'events', table: 'staging_events', ...rules });

describe('cleaningStatements', () => {
  it('GIVEN normalisations, constraints and a dedupe WHEN planned THEN normalise, judge, quarantine, rebuild if any row was judged out', () => {
    const statements = cleaningStatements(
      step({ lowerCase: ['level'], constraints: [{ rule: 'notNull', column: 'page' }], dedupe: { key: ['page'], latest: 'ts' } }),
      columns,
    );
    expect(statements.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual([
      'UPDATE staging_events SET',
      'CREATE TEMP TABLE',
      'INSERT INTO redline_quarantine',
      'DELETE FROM staging_events',
      'INSERT INTO staging_events',
      'DROP TABLE redline_clean_verdicts',
    ]);
    const anyQuarantined = 'EXISTS (SELECT 1 FROM redline_clean_verdicts WHERE redline_rule IS NOT NULL)';
    expect(statements[3]).toBe(`DELETE FROM staging_events WHERE ${anyQuarantined}`);
    expect(statements[4]).toBe(
      `INSERT INTO staging_events (level, page, ts) SELECT level, page, ts FROM redline_clean_verdicts WHERE redline_rule IS NULL AND ${anyQuarantined}`,
    );
  });

  it('GIVEN the quarantine statement WHEN planned THEN it takes the run from run_context and keeps the whole row as JSON, datetimes as text', () => {
    const [, quarantine] = cleaningStatements(step({ constraints: [{ rule: 'notNull', column: 'page' }] }), columns);
    expect(quarantine).toBe(
      'INSERT INTO redline_quarantine (run_id, pipeline, step, table_name, rule, reason, row_data, quarantined_at) ' +
        "SELECT ctx.run_id, ctx.pipeline, 'events', 'staging_events', v.redline_rule, v.redline_reason, " +
        "JSON_SERIALIZE(OBJECT('level', v.level, 'page', v.page, 'ts', CAST(v.ts AS VARCHAR))), GETDATE() " +
        'FROM redline_clean_verdicts AS v CROSS JOIN run_context AS ctx WHERE v.redline_rule IS NOT NULL',
    );
  });

  it('GIVEN only normalisations WHEN planned THEN the UPDATE alone; GIVEN no rule THEN nothing', () => {
    expect(cleaningStatements(step({ trim: ['page'] }), columns)).toEqual(['UPDATE staging_events SET page = TRIM(page)']);
    expect(cleaningStatements(step({}), columns)).toEqual([]);
  });

  it('GIVEN a run WHEN the statements are scoped to it THEN the table and run_context are its copies and the literals stay', () => {
    const [, quarantine, remove] = cleaningStatements(step({ constraints: [{ rule: 'notNull', column: 'page' }] }), columns).map((s) =>
      scopeToRun(s, ['run_context', 'staging_events'], 'run-1'),
    );
    expect(quarantine).toContain(`CROSS JOIN ${runStagingTable('run_context', 'run-1')} AS ctx`);
    expect(quarantine).toContain("'events', 'staging_events'");
    expect(remove).toMatch(new RegExp(`^DELETE FROM ${runStagingTable('staging_events', 'run-1')} WHERE EXISTS`));
  });
});
