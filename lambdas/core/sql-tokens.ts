// Reads Redshift SQL text as tokens (strings, quoted identifiers, comments, words,
// punctuation, whitespace) and splits scripts into statements, as BatchExecuteStatement
// and the local warehouse both need a list. The dialect layer rewrites on these tokens.
import { InvalidInput } from './errors.ts';

export type TokenKind = 'string' | 'quoted' | 'comment' | 'word' | 'punct' | 'space';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const SPACE = /\s+/y;
const LINE_COMMENT = /--[^\n]*/y;
const WORD = /[\p{L}\p{N}_][\p{L}\p{N}_$]*/uy;
const DOLLAR_TAG = /\$(?:[A-Za-z_]\w*)?\$/y;

/** Splits SQL into tokens whose texts concatenate back to the input exactly. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < sql.length) {
    const token = scanToken(sql, at);
    tokens.push(token);
    at += token.text.length;
  }
  return tokens;
}

function scanToken(sql: string, at: number): Token {
  const char = sql[at]!;
  const next = sql[at + 1];
  if (char === "'") return { kind: 'string', text: sql.slice(at, closeQuote(sql, at, "'", 'string literal')) };
  if (char === '"') return { kind: 'quoted', text: sql.slice(at, closeQuote(sql, at, '"', 'quoted identifier')) };
  if (char === '-' && next === '-') return { kind: 'comment', text: matchAt(LINE_COMMENT, sql, at)! };
  if (char === '/' && next === '*') {
    const end = sql.indexOf('*/', at + 2);
    if (end < 0) throw new InvalidInput(`unterminated /* comment at offset ${at}`);
    return { kind: 'comment', text: sql.slice(at, end + 2) };
  }
  if (char === ':' && next === ':') return { kind: 'punct', text: '::' };
  const dollarTag = char === '$' ? matchAt(DOLLAR_TAG, sql, at) : undefined;
  if (dollarTag !== undefined) {
    const end = sql.indexOf(dollarTag, at + dollarTag.length);
    if (end < 0) throw new InvalidInput(`unterminated ${dollarTag}-quoted string at offset ${at}`);
    return { kind: 'string', text: sql.slice(at, end + dollarTag.length) };
  }
  const space = matchAt(SPACE, sql, at);
  if (space !== undefined) return { kind: 'space', text: space };
  const word = matchAt(WORD, sql, at);
  if (word !== undefined) return { kind: 'word', text: word };
  return { kind: 'punct', text: char };
}

function matchAt(pattern: RegExp, sql: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(sql)?.[0];
}

/** Index just past the quote closing the one at `start`; a doubled quote is an escaped quote. */
function closeQuote(sql: string, start: number, quote: string, what: string): number {
  let from = start + 1;
  for (;;) {
    const end = sql.indexOf(quote, from);
    if (end < 0) throw new InvalidInput(`unterminated ${what} at offset ${start}`);
    if (sql[end + 1] !== quote) return end + 1;
    from = end + 2;
  }
}

export function isSignificant(token: Token): boolean {
  return token.kind !== 'space' && token.kind !== 'comment';
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

export function isKeyword(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

export function render(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join('');
}

/** Drops whitespace and comments at both ends. */
export function trimTokens(tokens: readonly Token[]): Token[] {
  const first = tokens.findIndex(isSignificant);
  if (first < 0) return [];
  return tokens.slice(first, tokens.findLastIndex(isSignificant) + 1);
}

/**
 * Splits a Redshift SQL script on the `;` that end statements, ignoring any inside string literals,
 * quoted identifiers and comments. Each statement comes back trimmed of surrounding whitespace and
 * comments; statements that are empty or only comments are dropped. The last statement may omit `;`.
 * @throws InvalidInput on an unterminated string, quoted identifier or block comment.
 */
export function splitStatements(script: string): string[] {
  return splitTokens(tokenize(script)).map(render);
}

export function splitTokens(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && !isPunct(tokens[i], ';')) continue;
    const statement = trimTokens(tokens.slice(start, i));
    if (statement.length > 0) statements.push(statement);
    start = i + 1;
  }
  return statements;
}

/** The word right after a lone `:` (never `::`, a separate token) names a parameter unless it is a number. */
export function isParameterName(token: Token | undefined): boolean {
  return token?.kind === 'word' && !/^\p{N}/u.test(token.text);
}

/** Index of the first significant token after `after` (tokens.length when none). */
export function nextSignificant(tokens: readonly Token[], after: number): number {
  let i = after + 1;
  while (i < tokens.length && !isSignificant(tokens[i]!)) i++;
  return i;
}

/** Index of the last significant token before `before` (-1 when none). */
export function previousSignificant(tokens: readonly Token[], before: number): number {
  let i = before - 1;
  while (i >= 0 && !isSignificant(tokens[i]!)) i--;
  return i;
}
