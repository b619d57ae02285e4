// Redshift → DuckDB dialect layer: lets the project's Redshift SQL files run unchanged on the embedded
// DuckDB warehouse. A small tokenizer drives every rewrite, so text inside string literals, quoted
// identifiers and comments is never touched. CREATE TABLE is the only statement parsed structurally;
// other statements get token-level rewrites, and Redshift-only functions come from DIALECT_SETUP macros.
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import {
  isKeyword,
  isParameterName,
  isPunct,
  isSignificant,
  nextSignificant,
  previousSignificant,
  render,
  splitStatements,
  splitTokens,
  tokenize,
  trimTokens,
  type Token,
} from '../../../lambdas/core/sql-tokens.ts';
import { REDSHIFT_DATEPARTS } from '../../../lambdas/core/redshift-dateparts.ts';

// ---------------------------------------------------------------------------------------------
// Statements

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Translates one Redshift statement into the DuckDB statements that do the same thing.
 * CREATE TABLE becomes optional `CREATE SEQUENCE`s (for IDENTITY columns), the CREATE TABLE itself,
 * then one `COMMENT ON COLUMN t.c IS '<Redshift type>'` per column. Every other statement comes back
 * as a single statement with its Redshift-only syntax rewritten (see {@link rewriteExpressions}).
 * @throws InvalidInput if `sql` holds more than one statement, or a CREATE TABLE cannot be translated.
 */
export function translateStatement(sql: string): string[] {
  const statements = splitTokens(tokenize(sql));
  if (statements.length > 1) throw new InvalidInput(`expected one statement, got ${statements.length}: ${sql}`);
  const tokens = statements[0];
  if (tokens === undefined) return [];
  const rewritten = rewriteExpressions(tokens);
  return isCreateTable(rewritten) ? translateCreateTable(rewritten) : [render(rewritten)];
}

/** {@link splitStatements}, then {@link translateStatement} on each statement. */
export function translateScript(script: string): string[] {
  return splitStatements(script).flatMap(translateStatement);
}

// ---------------------------------------------------------------------------------------------
// Expression rewrites: dateparts, SYSDATE, OBJECT(…), :name parameters


/** Functions whose first argument is a datepart, and the token that must follow that argument. */
const DATEPART_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['DATEADD', ','],
  ['DATEDIFF', ','],
  ['DATE_TRUNC', ','],
  ['DATE_PART', ','],
  ['EXTRACT', 'FROM'],
]);

/**
 * Rewrites, outside literals and comments: a bare (or abbreviated) datepart given to DATEADD, DATEDIFF,
 * DATE_TRUNC, DATE_PART or EXTRACT → a string literal DuckDB accepts (`DATEADD(d, …)` →
 * `DATEADD('day', …)`); `SYSDATE` → `current_timestamp::TIMESTAMP`; a call of Redshift's SUPER
 * constructor `OBJECT(k, v, …)` → `json_object(k, v, …)`; `:name` parameters → `$name`.
 * Tokens are replaced one for one, so indexes into `tokens` stay valid.
 */
function rewriteExpressions(tokens: readonly Token[]): Token[] {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    const token = out[i]!;
    const follower = token.kind === 'word' ? DATEPART_FUNCTIONS.get(token.text.toUpperCase()) : undefined;
    if (follower !== undefined) quoteDatepart(out, i, follower);
    else if (isKeyword(token, 'SYSDATE') && !isPunct(out[previousSignificant(out, i)], '.')) {
      out[i] = { kind: 'word', text: 'current_timestamp::TIMESTAMP' };
    } else if (isKeyword(token, 'OBJECT') && isPunct(out[nextSignificant(out, i)], '(') && !isPunct(out[previousSignificant(out, i)], '.')) {
      out[i] = { kind: 'word', text: 'json_object' };
    } else if (isPunct(token, ':') && isParameterName(out[i + 1])) {
      out[i] = { kind: 'punct', text: '$' };
    }
  }
  return out;
}

/** If tokens[at] starts a call like `DATEADD(part,` with a known datepart, writes the part as a literal. */
function quoteDatepart(tokens: Token[], at: number, follower: string): void {
  const open = nextSignificant(tokens, at);
  if (!isPunct(tokens[open], '(')) return;
  const arg = nextSignificant(tokens, open);
  const after = tokens[nextSignificant(tokens, arg)];
  if (!(isPunct(after, follower) || isKeyword(after, follower))) return;
  const token = tokens[arg]!;
  const name = token.kind === 'string' ? token.text.slice(1, -1) : token.kind === 'word' ? token.text : undefined;
  const part = name === undefined ? undefined : REDSHIFT_DATEPARTS.get(name.toLowerCase());
  if (part !== undefined) tokens[arg] = { kind: 'string', text: sqlString(part) };
}


// ---------------------------------------------------------------------------------------------
// CREATE TABLE

/** Reads significant tokens of a statement in order; `text(from, to)` renders an original range. */
class Cursor {
  private readonly positions: number[];
  private at = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly statement: string,
  ) {
    this.positions = tokens.flatMap((t, i) => (isSignificant(t) ? [i] : []));
  }

  peek(ahead = 0): Token | undefined {
    const position = this.positions[this.at + ahead];
    return position === undefined ? undefined : this.tokens[position];
  }

  get position(): number {
    return this.at;
  }

  done(): boolean {
    return this.at >= this.positions.length;
  }

  next(): Token {
    const token = this.peek();
    if (token === undefined) this.fail('unexpected end of statement');
    this.at++;
    return token;
  }

  /** Consumes the keywords if the next tokens are exactly them. */
  accept(...words: string[]): boolean {
    if (!words.every((word, i) => isKeyword(this.peek(i), word))) return false;
    this.at += words.length;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) this.fail(`expected ${words.join(' ')}`);
  }

  expectPunct(text: string): void {
    if (!isPunct(this.next(), text)) this.fail(`expected "${text}"`, this.at - 1);
  }

  /** Original text (with its spacing) of the significant tokens from `from` up to, not including, `to`. */
  text(from: number, to: number): string {
    return render(this.tokens.slice(this.positions[from], this.positions[to - 1]! + 1));
  }

  /** Original text of everything left; consumes it. */
  rest(): string {
    const from = this.at;
    this.at = this.positions.length;
    return this.text(from, this.at);
  }

  /** Skips a parenthesised group, nested parentheses included; returns the significant tokens inside. */
  group(): Token[] {
    this.expectPunct('(');
    const inside: Token[] = [];
    for (let depth = 1; ; ) {
      const token = this.next();
      if (isPunct(token, '(')) depth++;
      if (isPunct(token, ')') && --depth === 0) return inside;
      inside.push(token);
    }
  }

  fail(problem: string, at = this.at): never {
    const near = this.peek(at - this.at)?.text;
    const where = near ? ` near "${near}"` : '';
    throw new InvalidInput(`cannot translate CREATE TABLE (${problem}${where}): ${this.statement}`);
  }
}

/** A possibly schema-qualified name, each part as written (quoted or not). */
type QualifiedName = Token[];

interface ColumnType {
  /** The Redshift type with defaults filled in, e.g. `VARCHAR(256)`: the column comment. */
  redshift: string;
  /** The DuckDB type declared for the column. */
  duckdb: string;
}

interface Column {
  name: Token;
  type: ColumnType;
  notNull: boolean;
  collate?: string;
  defaultSql?: string;
  identity?: { seed: bigint; step: bigint };
}

function isCreateTable(tokens: readonly Token[]): boolean {
  const words = tokens.filter(isSignificant).slice(0, 4);
  const table = words.findIndex((t) => isKeyword(t, 'TABLE'));
  const modifiers = words.slice(1, table);
  return isKeyword(words[0], 'CREATE') && table > 0 && modifiers.every((t) => isKeyword(t, 'TEMP', 'TEMPORARY', 'LOCAL'));
}

function translateCreateTable(tokens: readonly Token[]): string[] {
  const cursor = new Cursor(tokens, render(tokens));
  cursor.expect('CREATE');
  cursor.accept('LOCAL');
  const temporary = cursor.accept('TEMP') || cursor.accept('TEMPORARY');
  cursor.expect('TABLE');
  const ifNotExists = cursor.accept('IF', 'NOT', 'EXISTS');
  const name = readName(cursor);
  const head = `CREATE ${temporary ? 'TEMP ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${renderName(name)}`;
  if (!isPunct(cursor.peek(), '(')) return [translateCreateTableAs(cursor, head)];

  const columns = readTableElements(cursor);
  skipTableAttributes(cursor);
  if (!cursor.done()) cursor.fail('unexpected text after the column list');
  const sequences = columns.flatMap((c) => (c.identity ? [createSequence(name, c, temporary)] : []));
  const definitions = columns.map((c) => `  ${columnDefinition(name, c)}`);
  const comments = columns.map(
    (c) => `COMMENT ON COLUMN ${renderName(name)}.${c.name.text} IS ${sqlString(c.type.redshift)}`,
  );
  return [...sequences, `${head} (\n${definitions.join(',\n')}\n)`, ...comments];
}

/** `CREATE TABLE t [table attributes] AS query`: the attributes go, the query stays. */
function translateCreateTableAs(cursor: Cursor, head: string): string {
  skipTableAttributes(cursor);
  cursor.expect('AS');
  if (cursor.done()) cursor.fail('expected a query after AS');
  return `${head} AS ${cursor.rest()}`;
}

function readName(cursor: Cursor): QualifiedName {
  const parts = [readIdentifier(cursor)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    parts.push(readIdentifier(cursor));
  }
  return parts;
}

function readIdentifier(cursor: Cursor): Token {
  const token = cursor.next();
  if (token.kind !== 'word' && token.kind !== 'quoted') cursor.fail('expected a name', cursor.position - 1);
  return token;
}

function renderName(name: QualifiedName): string {
  return name.map((part) => part.text).join('.');
}

/** An identifier's value: quoted identifiers lose their quotes and `""` escapes. */
function identifierValue(token: Token): string {
  return token.kind === 'quoted' ? token.text.slice(1, -1).replaceAll('""', '"') : token.text;
}

function quoteIdentifier(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? value : `"${value.replaceAll('"', '""')}"`;
}

/**
 * Reads `( element, … )`. Key constraints are dropped — column-level and table-level PRIMARY KEY, UNIQUE,
 * REFERENCES and FOREIGN KEY — because Redshift only records them while DuckDB would enforce them and
 * reject rows Redshift loads. A primary key still implies NOT NULL, which Redshift does enforce.
 */
function readTableElements(cursor: Cursor): Column[] {
  cursor.expectPunct('(');
  const columns: Column[] = [];
  const primaryKey = new Set<string>();
  for (;;) {
    if (cursor.accept('CONSTRAINT')) readIdentifier(cursor);
    if (cursor.accept('PRIMARY', 'KEY')) readNameList(cursor).forEach((c) => primaryKey.add(c));
    else if (cursor.accept('UNIQUE')) readNameList(cursor);
    else if (cursor.accept('FOREIGN', 'KEY')) {
      readNameList(cursor);
      skipReferences(cursor);
    } else if (isKeyword(cursor.peek(), 'LIKE')) cursor.fail('CREATE TABLE … (LIKE …) is not supported');
    else columns.push(readColumn(cursor));
    if (!isPunct(cursor.peek(), ',')) break;
    cursor.next();
  }
  cursor.expectPunct(')');
  if (columns.length === 0) cursor.fail('no columns');
  for (const key of primaryKey) {
    const column = columns.find((c) => identifierValue(c.name).toLowerCase() === key.toLowerCase());
    if (column === undefined) cursor.fail(`primary key column ${key} is not defined`);
    column.notNull = true;
  }
  return columns;
}

function readNameList(cursor: Cursor): string[] {
  return cursor
    .group()
    .filter((t) => !isPunct(t, ','))
    .map(identifierValue);
}

function skipReferences(cursor: Cursor): void {
  cursor.expect('REFERENCES');
  readName(cursor);
  if (isPunct(cursor.peek(), '(')) cursor.group();
}

/** Column attributes that end a DEFAULT expression. */
const COLUMN_ATTRIBUTES = [
  ...['NOT', 'NULL', 'DEFAULT', 'IDENTITY', 'GENERATED', 'ENCODE'],
  ...['DISTKEY', 'SORTKEY', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'COLLATE'],
];

/** NULL is the default anyway; DISTKEY and SORTKEY only place data; UNIQUE is a key constraint (see above). */
const IGNORED_COLUMN_ATTRIBUTES = ['NULL', 'DISTKEY', 'SORTKEY', 'UNIQUE'];

function readColumn(cursor: Cursor): Column {
  const column: Column = { name: readIdentifier(cursor), type: readType(cursor), notNull: false };
  while (!cursor.done() && !isPunct(cursor.peek(), ',') && !isPunct(cursor.peek(), ')')) {
    if (cursor.accept('NOT', 'NULL') || cursor.accept('PRIMARY', 'KEY')) column.notNull = true;
    else if (cursor.accept('ENCODE')) cursor.next();
    else if (isKeyword(cursor.peek(), 'REFERENCES')) skipReferences(cursor);
    else if (cursor.accept('DEFAULT')) column.defaultSql = readDefault(cursor);
    else if (cursor.accept('IDENTITY') || cursor.accept('GENERATED', 'BY', 'DEFAULT', 'AS', 'IDENTITY')) {
      column.identity = readIdentity(cursor);
    }
    else if (cursor.accept('COLLATE')) column.collate = readCollation(cursor);
    else if (!IGNORED_COLUMN_ATTRIBUTES.some((word) => cursor.accept(word))) {
      cursor.fail(`unsupported attribute of column ${column.name.text}`);
    }
  }
  return column;
}

function readDefault(cursor: Cursor): string {
  const start = cursor.position;
  let depth = 0;
  do {
    const token = cursor.next();
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
  } while (!cursor.done() && (depth > 0 || !endsDefault(cursor.peek())));
  return cursor.text(start, cursor.position);
}

function endsDefault(token: Token | undefined): boolean {
  return isPunct(token, ',') || isPunct(token, ')') || isKeyword(token, ...COLUMN_ATTRIBUTES);
}

function readIdentity(cursor: Cursor): { seed: bigint; step: bigint } {
  const text = cursor.group().map((t) => t.text).join('');
  const match = /^(-?\d+),(-?\d+)$/.exec(text);
  if (!match || BigInt(match[2]!) === 0n) {
    cursor.fail(`IDENTITY needs (seed, step) with a non-zero step, got (${text})`);
  }
  return { seed: BigInt(match[1]!), step: BigInt(match[2]!) };
}

/** Redshift's CASE_INSENSITIVE collation is DuckDB's NOCASE; CASE_SENSITIVE is the default of both. */
function readCollation(cursor: Cursor): string | undefined {
  const collation = cursor.next();
  if (isKeyword(collation, 'CASE_SENSITIVE')) return undefined;
  if (isKeyword(collation, 'CASE_INSENSITIVE')) return 'NOCASE';
  return cursor.fail('unsupported collation', cursor.position - 1);
}

/** Table attributes: distribution, sort keys, backup and encoding only place data in Redshift. */
function skipTableAttributes(cursor: Cursor): void {
  for (;;) {
    if (cursor.accept('DISTSTYLE') || cursor.accept('BACKUP')) cursor.next();
    else if (cursor.accept('DISTKEY')) cursor.group();
    else if (cursor.accept('COMPOUND', 'SORTKEY') || cursor.accept('INTERLEAVED', 'SORTKEY')) cursor.group();
    else if (cursor.accept('SORTKEY')) {
      if (!cursor.accept('AUTO')) cursor.group();
    } else if (!cursor.accept('ENCODE', 'AUTO')) return;
  }
}

/** Redshift type aliases → the canonical Redshift name. */
const TYPE_ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    INT2: 'SMALLINT',
    INT: 'INTEGER',
    INT4: 'INTEGER',
    INT8: 'BIGINT',
    NUMERIC: 'DECIMAL',
    FLOAT4: 'REAL',
    FLOAT8: 'DOUBLE PRECISION',
    FLOAT: 'DOUBLE PRECISION',
    BOOL: 'BOOLEAN',
    CHARACTER: 'CHAR',
    NCHAR: 'CHAR',
    BPCHAR: 'CHAR',
    'CHARACTER VARYING': 'VARCHAR',
    NVARCHAR: 'VARCHAR',
    TEXT: 'VARCHAR',
  }),
);

/** Canonical Redshift type → DuckDB type. Lengths are not declared: the column comment keeps them. */
const DUCKDB_TYPES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    SMALLINT: 'SMALLINT',
    INTEGER: 'INTEGER',
    BIGINT: 'BIGINT',
    DECIMAL: 'DECIMAL',
    REAL: 'REAL',
    // Redshift's FLOAT is FLOAT8; DuckDB's FLOAT is 4 bytes, so the DuckDB name is always DOUBLE.
    'DOUBLE PRECISION': 'DOUBLE',
    BOOLEAN: 'BOOLEAN',
    CHAR: 'VARCHAR',
    VARCHAR: 'VARCHAR',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMP',
    TIMESTAMPTZ: 'TIMESTAMPTZ',
    TIME: 'TIME',
    TIMETZ: 'TIMETZ',
    SUPER: 'JSON',
  }),
);

/** Redshift's defaults: bare CHAR is CHAR(1), BPCHAR is CHAR(256), VARCHAR and TEXT are VARCHAR(256). */
const DEFAULT_LENGTH: Readonly<Record<string, number>> = { CHAR: 1, CHARACTER: 1, NCHAR: 1, BPCHAR: 256 };
const MAX_LENGTH: Readonly<Record<string, number>> = { CHAR: 4096, VARCHAR: 65535 };

function readType(cursor: Cursor): ColumnType {
  const spelled = readTypeName(cursor);
  const canonical = TYPE_ALIASES.get(spelled) ?? spelled;
  const duckdb = DUCKDB_TYPES.get(canonical);
  if (duckdb === undefined) cursor.fail(`unsupported column type ${spelled}`, cursor.position - 1);
  const args = isPunct(cursor.peek(), '(')
    ? cursor
        .group()
        .filter((t) => !isPunct(t, ','))
        .map((t) => t.text.toUpperCase())
    : [];
  if (canonical === 'CHAR' || canonical === 'VARCHAR') {
    const length = args[0] === 'MAX' ? MAX_LENGTH[canonical] : Number(args[0] ?? DEFAULT_LENGTH[spelled] ?? 256);
    if (args.length > 1 || length === undefined || !(Number.isInteger(length) && length > 0)) {
      cursor.fail(`bad length for ${spelled}: (${args.join(',')})`);
    }
    return { redshift: `${canonical}(${length})`, duckdb };
  }
  if (canonical === 'DECIMAL') {
    const [precision = 18, scale = 0] = args.map(Number);
    if (args.length > 2 || !(precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision)) {
      cursor.fail(`bad precision or scale for ${spelled}: (${args.join(',')})`);
    }
    return { redshift: `DECIMAL(${precision},${scale})`, duckdb: `DECIMAL(${precision},${scale})` };
  }
  if (args.length > 0) cursor.fail(`${spelled} takes no length or precision`);
  return { redshift: canonical, duckdb };
}

/**
 * Reads a type name, joining the multi-word ones: DOUBLE PRECISION, CHARACTER VARYING,
 * TIME[STAMP] WITH[OUT] TIME ZONE.
 */
function readTypeName(cursor: Cursor): string {
  const first = cursor.next();
  if (first.kind !== 'word') cursor.fail('expected a column type', cursor.position - 1);
  const name = first.text.toUpperCase();
  if (name === 'DOUBLE' && cursor.accept('PRECISION')) return 'DOUBLE PRECISION';
  if (name === 'CHARACTER' && cursor.accept('VARYING')) return 'CHARACTER VARYING';
  if (name === 'TIMESTAMP' || name === 'TIME') {
    if (cursor.accept('WITH', 'TIME', 'ZONE')) return `${name}TZ`;
    cursor.accept('WITHOUT', 'TIME', 'ZONE');
  }
  return name;
}

function sequenceName(table: QualifiedName, column: Column): string {
  const schema = table.slice(0, -1).map((part) => `${part.text}.`).join('');
  return schema + quoteIdentifier(`${identifierValue(table.at(-1)!)}_${identifierValue(column.name)}_seq`);
}

/** Redshift IDENTITY(seed, step) → a sequence starting at seed (DuckDB's MINVALUE defaults to 1, so set it). */
function createSequence(table: QualifiedName, column: Column, temporary: boolean): string {
  const { seed, step } = column.identity!;
  const bound = step > 0n ? `MINVALUE ${seed}` : `MAXVALUE ${seed}`;
  const create = `CREATE ${temporary ? 'TEMP ' : ''}SEQUENCE IF NOT EXISTS ${sequenceName(table, column)}`;
  return `${create} START ${seed} INCREMENT ${step} ${bound}`;
}

function columnDefinition(table: QualifiedName, column: Column): string {
  const defaultSql = column.identity ? `nextval(${sqlString(sequenceName(table, column))})` : column.defaultSql;
  return [
    column.name.text,
    column.type.duckdb,
    column.collate && `COLLATE ${column.collate}`,
    defaultSql && `DEFAULT ${defaultSql}`,
    column.notNull && 'NOT NULL',
  ]
    .filter(Boolean)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Connection setup

/** `/k1/k2/…` JSON pointer for json_extract_string, escaping `~` and `/` inside keys (RFC 6901). */
function jsonPointer(keys: readonly string[]): string {
  return keys.map((k) => `'/' || replace(replace(${k}, '~', '~0'), '/', '~1')`).join(' || ');
}

const JSON_PATH_OVERLOADS = [['k1'], ['k1', 'k2'], ['k1', 'k2', 'k3']]
  .map((keys) => `(doc, ${keys.join(', ')}) AS json_extract_string(doc, ${jsonPointer(keys)})`)
  .join(',\n  ');

/**
 * Statements to run once on every DuckDB connection before any translated SQL. The macros are TEMP, so
 * they live in the connection, never in a file-backed database (which would then depend on them).
 * - Redshift sessions run in UTC, and `/` between integers truncates.
 * - Extensions are never installed or auto-loaded: json, parquet and icu are built into the package.
 * - GETDATE, DATEADD, DATEDIFF, NVL, NVL2, JSON_EXTRACT_PATH_TEXT (1–3 keys) and JSON_SERIALIZE (of an
 *   OBJECT(…), which becomes DuckDB's json_object) behave as in Redshift.
 *   DATEDIFF counts datepart boundaries crossed, which is what DuckDB's date_diff does — except for
 *   weeks, which DuckDB counts as whole 7-day spans; Redshift counts week boundaries (Sunday midnight),
 *   so DATEDIFF(week, '2018-11-03', '2018-11-04'), Saturday to Sunday, is 1 (DuckDB's date_diff says 0).
 */
export const DIALECT_SETUP: readonly string[] = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  "SET TimeZone = 'UTC'",
  'SET integer_division = true',
  'SET preserve_insertion_order = false',
  // GETDATE() is the current UTC time without fractional seconds (SYSDATE keeps them).
  "CREATE OR REPLACE TEMP MACRO getdate() AS date_trunc('second', current_timestamp::TIMESTAMP)",
  // Always a TIMESTAMP, even from a DATE; adding months clamps to the month's end (Jan 31 + 1 month = Feb 29).
  "CREATE OR REPLACE TEMP MACRO dateadd(part, n, ts) AS CAST(ts AS TIMESTAMP) + n * CAST('1 ' || part AS INTERVAL)",
  // Shifting a day forward makes DuckDB's Monday-based date_trunc('week') start weeks on Sunday.
  `CREATE OR REPLACE TEMP MACRO datediff(part, a, b) AS CASE
    WHEN part = 'week'
      THEN date_diff('day', date_trunc('week', CAST(a AS DATE) + 1), date_trunc('week', CAST(b AS DATE) + 1)) // 7
    ELSE date_diff(part, CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP)) END`,
  'CREATE OR REPLACE TEMP MACRO nvl(a, b) AS coalesce(a, b), (a, b, c) AS coalesce(a, b, c)',
  'CREATE OR REPLACE TEMP MACRO nvl2(expr, if_set, if_null) AS CASE WHEN expr IS NOT NULL THEN if_set ELSE if_null END',
  // NULL when the path does not exist, as in Redshift; nested objects and arrays come back as JSON text.
  `CREATE OR REPLACE TEMP MACRO json_extract_path_text${JSON_PATH_OVERLOADS}`,
  // The JSON text of a SUPER value; 'null' for NULL, as in Redshift.
  "CREATE OR REPLACE TEMP MACRO json_serialize(value) AS coalesce(CAST(value AS VARCHAR), 'null')",
];
