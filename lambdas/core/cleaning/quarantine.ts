// The quarantine (redline_quarantine): every row a cleaning step took out of its table, with the run,
// the step, the table, the rule it broke, the reason and the whole row as JSON text, so nothing
// cleaned away is lost and a run's counts reconcile (read = kept + quarantined).
import { RUN_CONTEXT_TABLE } from '../run-staging.ts';
import { sqlString } from './sql-text.ts';
import type { TableColumn } from './table-columns.ts';
import { REASON_COLUMN, RULE_COLUMN, VERDICTS_TABLE } from './verdicts.ts';

/** The quarantine table, created by redline's own schema SQL (sql/redline/create_redline_tables.sql). */
export const QUARANTINE_TABLE = 'redline_quarantine';

/**
 * The INSERT moving the quarantined verdicts (VERDICTS_TABLE rows with a rule) into the quarantine.
 * The run's id and pipeline come from its run_context (so the statement is scoped to the run like any
 * step SQL); the row is JSON_SERIALIZE(OBJECT('column', value, …)), datetimes as text, since Redshift
 * puts no datetime into SUPER.
 * @param step the cleaning step's name and the table it cleans, as declared
 */
export function quarantineStatement(step: { name: string; table: string }, columns: readonly TableColumn[]): string {
  const pairs = columns.map((c) => `${sqlString(c.name)}, ${c.kind === 'datetime' ? `CAST(v.${c.name} AS VARCHAR)` : `v.${c.name}`}`);
  return (
    `INSERT INTO ${QUARANTINE_TABLE} (run_id, pipeline, step, table_name, rule, reason, row_data, quarantined_at) ` +
    `SELECT ctx.run_id, ctx.pipeline, ${sqlString(step.name)}, ${sqlString(step.table)}, v.${RULE_COLUMN}, v.${REASON_COLUMN}, ` +
    `JSON_SERIALIZE(OBJECT(${pairs.join(', ')})), GETDATE() ` +
    `FROM ${VERDICTS_TABLE} AS v CROSS JOIN ${RUN_CONTEXT_TABLE} AS ctx WHERE v.${RULE_COLUMN} IS NOT NULL`
  );
}

/** How many rows a run's cleaning step has quarantined, by rule (parameters :pipeline, :run_id, :step). */
export const QUARANTINED_BY_RULE_SQL =
  `SELECT rule, COUNT(*) AS quarantined FROM ${QUARANTINE_TABLE} ` +
  'WHERE pipeline = :pipeline AND run_id = :run_id AND step = :step GROUP BY rule ORDER BY rule';
