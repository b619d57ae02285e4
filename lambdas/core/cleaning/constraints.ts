// A cleaning step's constraints as SQL: for each, the predicate a kept row satisfies, the rule's
// name and the reason a breaking row is quarantined with (naming the column and its value); and the
// CASE expressions giving a row's first broken rule and its reason (NULL when it breaks none).
// A row breaks a constraint unless its predicate is TRUE, so a NULL expression breaks it. A NULL
// column passes acceptedValues and range, as a NULL passes a SQL CHECK (notNull is the rule for
// NULLs), so an optional column can still be held to its values.
import type { CleanStepSpec } from '../../../lib/pipelines/spec.ts';
import { InvalidInput } from '../errors.ts';
import { isPunct, nextSignificant, previousSignificant, tokenize, type Token } from '../sql-tokens.ts';
import { shownLiteral, shownValue, sqlLiteral, sqlNumber, sqlString } from './sql-text.ts';
import { columnNamed, type TableColumn } from './table-columns.ts';

type Constraint = CleanStepSpec['constraints'][number];

/** One constraint in SQL. */
export interface ConstraintCheck {
  /** The rule's name in the quarantine: 'notNull(page)', 'acceptedValues(level)', 'range(status)' or the expression's name. */
  rule: string;
  /** Redshift boolean expression over the row's columns, TRUE for a row to keep. */
  keeps: string;
  /** Redshift text expression: why a row that does not keep breaks the rule. */
  reason: string;
}

/**
 * The SQL of each constraint, in the spec's order.
 * @throws InvalidInput when a constraint names a column the table lacks (or a SUPER one), a range has no
 *   bound, or an expression is not one self-contained expression
 */
export function constraintChecks(table: string, constraints: readonly Constraint[], columns: readonly TableColumn[]): ConstraintCheck[] {
  return constraints.map((constraint) => {
    if (constraint.rule === 'expression') return expressionCheck(constraint, columns);
    const column = columnNamed(columns, constraint.column, table);
    if (column.kind === 'super') throw new InvalidInput(`cleaning ${table}: ${constraint.rule}(${column.name}) cannot test a SUPER column`);
    switch (constraint.rule) {
      case 'notNull':
        return { rule: `notNull(${column.name})`, keeps: `${column.name} IS NOT NULL`, reason: sqlString(`${column.name} is NULL`) };
      case 'acceptedValues':
        return {
          rule: `acceptedValues(${column.name})`,
          keeps: `(${column.name} IS NULL OR ${column.name} IN (${constraint.values.map(sqlLiteral).join(', ')}))`,
          reason: valueReason(column, `not one of ${constraint.values.map(shownLiteral).join(', ')}`),
        };
      case 'range':
        return rangeCheck(table, column, constraint.min, constraint.max);
    }
  });
}

function rangeCheck(table: string, column: TableColumn, min: number | undefined, max: number | undefined): ConstraintCheck {
  const bounds = [min === undefined ? [] : [`${column.name} >= ${sqlNumber(min)}`], max === undefined ? [] : [`${column.name} <= ${sqlNumber(max)}`]].flat();
  if (bounds.length === 0) throw new InvalidInput(`cleaning ${table}: range(${column.name}) needs a min, a max or both`);
  const expected =
    min !== undefined && max !== undefined ? `not between ${min} and ${max}` : min !== undefined ? `not at least ${min}` : `not at most ${max}`;
  return { rule: `range(${column.name})`, keeps: `(${column.name} IS NULL OR (${bounds.join(' AND ')}))`, reason: valueReason(column, expected) };
}

/**
 * An expression's reason says whether it was false or NULL, and shows the value of each of the
 * table's columns it names: "next_song_has_user is false for page = 'NextSong', user_id = NULL".
 */
function expressionCheck(constraint: Extract<Constraint, { rule: 'expression' }>, columns: readonly TableColumn[]): ConstraintCheck {
  const tokens = tokenize(constraint.sql);
  checkSelfContained(constraint.name, tokens);
  const keeps = `(${constraint.sql})`;
  const named = columnsNamedIn(tokens, columns).filter((c) => c.kind !== 'super');
  const values = named.map((c, i) => `${sqlString(`${i === 0 ? ' for ' : ', '}${c.name} = `)} || ${shownValue(c)}`);
  const outcome = `CASE WHEN NOT ${keeps} THEN ${sqlString(`${constraint.name} is false`)} ELSE ${sqlString(`${constraint.name} is NULL`)} END`;
  return { rule: constraint.name, keeps, reason: [outcome, ...values].join(' || ') };
}

/**
 * An expression is spliced into the statements several times, so it must be one expression: no `;`,
 * no comment (a `--` would swallow the rest of the statement) and balanced parentheses.
 */
function checkSelfContained(name: string, tokens: readonly Token[]): void {
  let depth = 0;
  for (const token of tokens) {
    if (isPunct(token, ';') || token.kind === 'comment') throw new InvalidInput(`expression ${name} may hold no ; and no comment`);
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')') && --depth < 0) break;
  }
  if (depth !== 0) throw new InvalidInput(`expression ${name} has unbalanced parentheses`);
}

/** The table's columns an expression names (unqualified or after an alias), in the table's order. */
function columnsNamedIn(tokens: readonly Token[], columns: readonly TableColumn[]): TableColumn[] {
  const words = new Set(
    tokens.flatMap((t, i) => {
      const call = isPunct(tokens[nextSignificant(tokens, i)], '(');
      const parameter = isPunct(tokens[previousSignificant(tokens, i)], ':');
      return t.kind === 'word' && !call && !parameter ? [t.text.toLowerCase()] : [];
    }),
  );
  return columns.filter((c) => words.has(c.name));
}

/** "<column> is <value>, <expected>". */
function valueReason(column: TableColumn, expected: string): string {
  return `${sqlString(`${column.name} is `)} || ${shownValue(column)} || ${sqlString(`, ${expected}`)}`;
}

/**
 * CASE expressions over a row giving the first of `checks` it breaks and that check's reason;
 * both NULL when it breaks none.
 */
export function firstBroken(checks: readonly ConstraintCheck[]): { rule: string; reason: string } {
  const breaks = (check: ConstraintCheck) => `(CASE WHEN ${check.keeps} THEN 0 ELSE 1 END) = 1`;
  const rule = checks.map((c) => `WHEN ${breaks(c)} THEN ${sqlString(c.rule)}`);
  const reason = checks.map((c) => `WHEN ${breaks(c)} THEN ${c.reason}`);
  return { rule: `CASE ${rule.join(' ')} END`, reason: `CASE ${reason.join(' ')} END` };
}
