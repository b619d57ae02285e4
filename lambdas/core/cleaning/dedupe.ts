// A cleaning step's dedupe as SQL: window expressions ranking the rows of each key by `latest`
// (greatest first, NULL last, ties broken by every other column so the same rows always keep the
// same one), and the rule and reason of a row that is not the first of its key. The rank is taken
// within the rows that passed the constraints, so a broken row never displaces a valid one.
import type { CleanStepSpec } from '../../../lib/pipelines/spec.ts';
import { InvalidInput } from '../errors.ts';
import { shownValue, sqlString } from './sql-text.ts';
import { columnNamed, type TableColumn } from './table-columns.ts';

type Dedupe = NonNullable<CleanStepSpec['dedupe']>;

/** Where the ranking puts each row's rank and its key's greatest `latest`. */
export const RANK_COLUMN = 'redline_keep_rank';
export const KEPT_LATEST_COLUMN = 'redline_kept_latest';

export interface DedupeSql {
  /** The rule's name in the quarantine, e.g. 'dedupe(session_id, item_in_session)'. */
  rule: string;
  /** Select-list items adding RANK_COLUMN and KEPT_LATEST_COLUMN to a row. */
  ranking: string;
  /** Over a ranked row: the rule's name when the row is a duplicate, else NULL. */
  ruleOfRow: string;
  /** Over a ranked row: why a duplicate is quarantined. */
  reasonOfRow: string;
}

/**
 * The SQL of a dedupe by `dedupe.key` keeping the greatest `dedupe.latest`.
 * @param within columns whose values split the rows before the key does (the first broken rule)
 * @throws InvalidInput when the table lacks a named column, or one is SUPER (which cannot be ordered)
 */
export function dedupeSql(table: string, dedupe: Dedupe, columns: readonly TableColumn[], within: readonly string[]): DedupeSql {
  const key = dedupe.key.map((name) => columnNamed(columns, name, table));
  const latest = columnNamed(columns, dedupe.latest, table);
  const superColumn = [...key, latest].find((c) => c.kind === 'super');
  if (superColumn) throw new InvalidInput(`cleaning ${table}: dedupe cannot key or order on SUPER column ${superColumn.name}`);
  const partition = `PARTITION BY ${[...within, ...dedupe.key].join(', ')}`;
  const tieBreak = columns.filter((c) => c.kind !== 'super' && c !== latest && !key.includes(c)).map((c) => `${c.name} ASC NULLS LAST`);
  const order = [`${latest.name} DESC NULLS LAST`, ...tieBreak].join(', ');
  const rule = `dedupe(${dedupe.key.join(', ')})`;
  const keyValues = key.map((c, i) => `${sqlString(`${i === 0 ? '' : ', '}${c.name} = `)} || ${shownValue(c)}`);
  const keptLatest = shownValue({ name: KEPT_LATEST_COLUMN, kind: latest.kind });
  const reason = [
    sqlString('duplicate of '),
    ...keyValues,
    sqlString(`: kept the row with the greatest ${latest.name}, `),
    keptLatest,
    sqlString(`; this row's ${latest.name} is `),
    shownValue(latest),
  ].join(' || ');
  return {
    rule,
    ranking: `ROW_NUMBER() OVER (${partition} ORDER BY ${order}) AS ${RANK_COLUMN}, MAX(${latest.name}) OVER (${partition}) AS ${KEPT_LATEST_COLUMN}`,
    ruleOfRow: `CASE WHEN ${RANK_COLUMN} > 1 THEN ${sqlString(rule)} END`,
    reasonOfRow: `CASE WHEN ${RANK_COLUMN} > 1 THEN ${reason} END`,
  };
}
