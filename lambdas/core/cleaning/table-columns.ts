// The columns of the table a cleaning step cleans, read from the table's own CREATE TABLE in the
// pipeline's schema SQL (the DDL a run's staging copy is created from): their names in order, and
// what kind of value each holds, which decides how a value is written into a reason or a row's JSON.
import { InvalidInput } from '../errors.ts';
import { createsTable } from '../run-staging.ts';
import { isKeyword, isPunct, isSignificant, splitTokens, tokenize, type Token } from '../sql-tokens.ts';

/** text: CHAR/VARCHAR; datetime: DATE/TIME/TIMESTAMP (not castable to SUPER); super: SUPER; other: numbers, booleans. */
export type ColumnKind = 'text' | 'datetime' | 'super' | 'other';

export interface TableColumn {
  /** The column's name: a plain lower-case identifier, as a spec names it. */
  name: string;
  kind: ColumnKind;
}

const TEXT_TYPES = new Set(['CHAR', 'CHARACTER', 'NCHAR', 'BPCHAR', 'VARCHAR', 'NVARCHAR', 'TEXT']);
const DATETIME_TYPES = new Set(['DATE', 'TIME', 'TIMETZ', 'TIMESTAMP', 'TIMESTAMPTZ']);
/** Words that start a table constraint rather than a column in the column list. */
const TABLE_CONSTRAINTS = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'];
/** The column names the cleaning SQL can write unquoted, as a spec's identifiers are (once folded to lower case). */
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The columns of `table` declared by the `CREATE TABLE IF NOT EXISTS table (…)` of `schemaScript`.
 * @throws InvalidInput when the script does not declare the table, declares it with LIKE, or a column's
 *   name is quoted or not a plain identifier (the cleaning SQL writes names unquoted)
 */
export function tableColumns(schemaScript: string, table: string): TableColumn[] {
  const create = splitTokens(tokenize(schemaScript)).find((statement) => createsTable(statement, table));
  if (!create) throw new InvalidInput(`the schema SQL has no CREATE TABLE IF NOT EXISTS ${table}`);
  const significant = create.filter(isSignificant);
  const open = significant.findIndex((t) => isPunct(t, '('));
  if (open < 0) throw new InvalidInput(`CREATE TABLE ${table} has no column list`);
  const columns = columnElements(significant.slice(open + 1)).flatMap((element) => columnOf(element, table));
  if (columns.length === 0) throw new InvalidInput(`CREATE TABLE ${table} declares no columns`);
  return columns;
}

/** The comma-separated elements of a column list, up to the `)` closing it. */
function columnElements(tokens: readonly Token[]): Token[][] {
  const elements: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isPunct(token, ')') && depth === 0) break;
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
    if (isPunct(token, ',') && depth === 0) elements.push([]);
    else elements.at(-1)!.push(token);
  }
  return elements;
}

function columnOf(element: readonly Token[], table: string): TableColumn[] {
  const [name, type] = element;
  if (name === undefined || isKeyword(name, ...TABLE_CONSTRAINTS)) return [];
  if (isKeyword(name, 'LIKE')) throw new InvalidInput(`CREATE TABLE ${table} (LIKE …) does not declare its columns`);
  const plain = name.kind === 'word' ? name.text.toLowerCase() : '';
  if (!PLAIN_NAME.test(plain)) throw new InvalidInput(`cleaning ${table}: column ${name.text} is not a plain (unquoted) name`);
  return [{ name: plain, kind: kindOf(type) }];
}

function kindOf(type: Token | undefined): ColumnKind {
  const spelled = type?.text.toUpperCase() ?? '';
  if (TEXT_TYPES.has(spelled)) return 'text';
  if (DATETIME_TYPES.has(spelled)) return 'datetime';
  return spelled === 'SUPER' ? 'super' : 'other';
}

/**
 * The column of `columns` named `name`.
 * @param table the table's name, for the error
 * @throws InvalidInput when the table has no such column
 */
export function columnNamed(columns: readonly TableColumn[], name: string, table: string): TableColumn {
  const column = columns.find((c) => c.name === name);
  if (!column) throw new InvalidInput(`table ${table} has no column ${name}; it has ${columns.map((c) => c.name).join(', ')}`);
  return column;
}
