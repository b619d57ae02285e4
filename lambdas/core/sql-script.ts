// Splits a Redshift SQL script into statements, as BatchExecuteStatement and the local
// warehouse both need a list: `;` ends a statement only outside strings, quoted
// identifiers and comments. Comment-only statements are dropped.

/** Splits `script` on top-level semicolons; returns trimmed, non-empty statements. */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let hasCode = false;
  let i = 0;
  while (i < script.length) {
    const end = endOfToken(script, i);
    const token = script.slice(i, end);
    if (token === ';') {
      if (hasCode) statements.push(current.trim());
      current = '';
      hasCode = false;
    } else {
      current += token;
      if (!isComment(token) && token.trim() !== '') hasCode = true;
    }
    i = end;
  }
  if (hasCode) statements.push(current.trim());
  return statements;
}

function isComment(token: string): boolean {
  return token.startsWith('--') || token.startsWith('/*');
}

/** Index just past the token starting at `i`: a string, quoted identifier, comment or one character. */
function endOfToken(text: string, i: number): number {
  const char = text[i];
  if (char === "'" || char === '"') return endOfQuoted(text, i, char);
  if (text.startsWith('--', i)) {
    const newline = text.indexOf('\n', i);
    return newline === -1 ? text.length : newline;
  }
  if (text.startsWith('/*', i)) {
    const close = text.indexOf('*/', i + 2);
    return close === -1 ? text.length : close + 2;
  }
  return i + 1;
}

/** Quotes are escaped by doubling them ('it''s'), as in Redshift. */
function endOfQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return text.length;
}
