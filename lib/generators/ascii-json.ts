// JSON text helpers that reproduce the encoding of the real Sparkify files: ASCII-only output with
// lowercase \uXXXX escapes for everything outside printable ASCII (UTF-16 code units, so astral
// characters become surrogate pairs, as Python's json.dumps(ensure_ascii=True) writes them), and "/"
// written as "\/" (as the log files do).

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x2f: '\\/',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

const PLAIN = /^[\x20-\x21\x23-\x2e\x30-\x5b\x5d-\x7e]*$/;

/** A JSON string literal (with quotes), ASCII only. */
export function asciiJsonString(value: string): string {
  if (PLAIN.test(value)) return flatAscii(`"${value}"`);
  const out: string[] = ['"'];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out.push(short);
    else if (c < 0x20 || c > 0x7f) out.push('\\u' + c.toString(16).padStart(4, '0'));
    else out.push(value[i] as string);
  }
  out.push('"');
  return flatAscii(out.join(''));
}

/**
 * A flat, one-byte copy of an ASCII string. Text built by concatenation is a rope in V8; fragments
 * that are reused in millions of lines are much cheaper to copy once flattened.
 */
export function flatAscii(value: string): string {
  return Buffer.from(value, 'latin1').toString('latin1');
}

/** JSON for a nullable string. */
export function asciiJsonNullable(value: string | null): string {
  return value === null ? 'null' : asciiJsonString(value);
}

/**
 * A float as Python prints it: shortest round-trip digits, and a trailing ".0" for integral values
 * (1540919166796.0). Only meant for values in the plain-decimal range (|x| < 1e16, not tiny).
 */
export function pyFloat(value: number): string {
  const s = String(value);
  return Number.isInteger(value) ? `${s}.0` : s;
}

/**
 * "Double mojibake" as found in the Sparkify event logs: the UTF-8 bytes read as Latin-1, re-encoded
 * as UTF-8 and read as Latin-1 again ("Björk" -> "BjÃ\u0083Â¶rk"). ASCII text is unchanged.
 * Undo with two rounds of Buffer.from(s, 'latin1').toString('utf8').
 */
export function doubleMojibake(value: string): string {
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  const once = Buffer.from(value, 'utf8').toString('latin1');
  return Buffer.from(once, 'utf8').toString('latin1');
}
