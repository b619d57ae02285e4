// The verdict on every row of a cleaned table, as one CREATE TEMP TABLE … AS SELECT: the row's
// columns, the rule it is quarantined by (its first broken constraint, else the dedupe when it is not
// the row its key keeps) and why; both NULL for a row that stays. Staging tables have no row id, so
// the verdicts are the copy the table is then rebuilt from and the quarantine is filled from.
import type { CleanStepSpec } from '../../../lib/pipelines/spec.ts';
import { constraintChecks, firstBroken } from './constraints.ts';
import { dedupeSql } from './dedupe.ts';
import type { TableColumn } from './table-columns.ts';

/** The session's temporary table of verdicts (dropped by the cleaning transaction that made it). */
export const VERDICTS_TABLE = 'redline_clean_verdicts';
/** Its columns beside the row's: the rule a quarantined row broke and the reason; NULL for a kept row. */
export const RULE_COLUMN = 'redline_rule';
export const REASON_COLUMN = 'redline_reason';

/** The longest reason kept, in characters (4 bytes each at most: within the quarantine's VARCHAR(4096)). */
const REASON_CHARS = 1000;
const BROKEN_RULE = 'redline_broken_rule';
const BROKEN_REASON = 'redline_broken_reason';

type Rules = Pick<CleanStepSpec, 'table' | 'constraints' | 'dedupe'>;

/**
 * The statement creating VERDICTS_TABLE from `step.table`, or none when the step has neither
 * constraints nor a dedupe (it only normalises, so every row stays).
 * @throws InvalidInput when a rule names a column the table lacks, or cannot apply to it
 */
export function verdictsStatement(step: Rules, columns: readonly TableColumn[]): string | undefined {
  const names = columns.map((c) => c.name).join(', ');
  const checks = constraintChecks(step.table, step.constraints, columns);
  const broken = checks.length > 0 ? firstBroken(checks) : undefined;
  const verdict = (rule: string, reason: string, from: string) =>
    `CREATE TEMP TABLE ${VERDICTS_TABLE} AS SELECT ${names}, CAST(${rule} AS VARCHAR(1024)) AS ${RULE_COLUMN}, ` +
    `CAST(LEFT(${reason}, ${REASON_CHARS}) AS VARCHAR(4096)) AS ${REASON_COLUMN} FROM ${from}`;
  if (!step.dedupe) return broken ? verdict(broken.rule, broken.reason, step.table) : undefined;

  const dedupe = dedupeSql(step.table, step.dedupe, columns, broken ? [BROKEN_RULE] : []);
  const judged = broken
    ? `(SELECT ${names}, ${broken.rule} AS ${BROKEN_RULE}, ${broken.reason} AS ${BROKEN_REASON} FROM ${step.table}) AS judged`
    : step.table;
  const carried = broken ? `, ${BROKEN_RULE}, ${BROKEN_REASON}` : '';
  const ranked = `(SELECT ${names}${carried}, ${dedupe.ranking} FROM ${judged}) AS ranked`;
  return broken
    ? verdict(`COALESCE(${BROKEN_RULE}, ${dedupe.ruleOfRow})`, `COALESCE(${BROKEN_REASON}, ${dedupe.reasonOfRow})`, ranked)
    : verdict(dedupe.ruleOfRow, dedupe.reasonOfRow, ranked);
}
