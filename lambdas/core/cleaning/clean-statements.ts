// A cleaning step as the statements of its one transaction, over the table as declared (the handler
// scopes them to the run's copies): normalise, judge every row into a temporary table of verdicts,
// quarantine the rows judged out, and rebuild the table from the rows that stay — only when a row
// was judged out, so a clean table is not rewritten (nor left with Redshift's deleted ghost rows).
// DELETE, never TRUNCATE, which would commit in Redshift; so a failure anywhere leaves table and
// quarantine as they were.
import type { CleanStepSpec } from '../../../lib/pipelines/spec.ts';
import { normaliseStatement } from './normalise.ts';
import { quarantineStatement } from './quarantine.ts';
import type { TableColumn } from './table-columns.ts';
import { RULE_COLUMN, VERDICTS_TABLE, verdictsStatement } from './verdicts.ts';

/**
 * The statements cleaning `step.table`, in order; none when the step declares no rule.
 * @param columns the table's columns (see tableColumns)
 * @throws InvalidInput when a rule names a column the table lacks, or cannot apply to it
 */
export function cleaningStatements(step: CleanStepSpec, columns: readonly TableColumn[]): string[] {
  const normalise = normaliseStatement(step, columns);
  const verdicts = verdictsStatement(step, columns);
  const normalising = normalise === undefined ? [] : [normalise];
  if (verdicts === undefined) return normalising;
  const names = columns.map((c) => c.name).join(', ');
  const anyQuarantined = `EXISTS (SELECT 1 FROM ${VERDICTS_TABLE} WHERE ${RULE_COLUMN} IS NOT NULL)`;
  return [
    ...normalising,
    verdicts,
    quarantineStatement(step, columns),
    `DELETE FROM ${step.table} WHERE ${anyQuarantined}`,
    `INSERT INTO ${step.table} (${names}) SELECT ${names} FROM ${VERDICTS_TABLE} WHERE ${RULE_COLUMN} IS NULL AND ${anyQuarantined}`,
    `DROP TABLE ${VERDICTS_TABLE}`,
  ];
}
