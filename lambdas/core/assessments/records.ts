// Zod schemas of one raw assessment attempt document (see ../shared/data/SOURCES.md), which both
// validate it and normalise its values for the flat tables: epoch-second strings and ISO-8601 times
// become UTC timestamp text, "1.0" becomes 1, "false" becomes false, "submitted": 1 becomes true.
//
// Required: keen_id, keen_timestamp, started_at, base_exam_id, user_exam_id, exam_name, and an id on
// every question and option. Everything else may be absent or null (the real file omits sequences,
// counts, question fields and the option fields at / submitted / correct); a present value of the
// wrong type or out of range rejects the whole document. Unknown keys are ignored.

import { z } from 'zod';
import type { RejectCode } from './tables.ts';

/** A string of at most `maxBytes` UTF-8 bytes (Redshift VARCHAR lengths count bytes). */
function text(maxBytes: number) {
  return z
    .string()
    .min(1)
    .max(maxBytes, { abort: true })
    .refine((s) => Buffer.byteLength(s) <= maxBytes, { message: `longer than ${maxBytes} UTF-8 bytes` });
}

/** A value as JSON, cut to 80 characters, for messages. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

const MAX_EPOCH_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

/** Epoch seconds ("1516717442.735266" as the file writes them, or a JSON number) → 'YYYY-MM-DD HH:MM:SS.ffffff'. */
export const epochTimestamp = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const digits = typeof value === 'number' ? (Number.isFinite(value) && value >= 0 ? value.toFixed(6) : '') : value;
  const m = /^(\d{1,12})(?:\.(\d*))?$/.exec(digits);
  const seconds = m ? Number(m[1]) : NaN;
  if (!m || seconds > MAX_EPOCH_SECONDS) {
    ctx.issues.push({ code: 'custom', message: `not epoch seconds: ${preview(value)}`, input: value });
    return z.NEVER;
  }
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6); // truncated to microseconds, never rounded up
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${fraction}`;
});

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO-8601 time ("2018-01-23T14:23:19.082Z"; no offset is read as UTC) → 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC. */
export const isoTimestamp = z.string().transform((value, ctx) => {
  const m = ISO_TIME.exec(value);
  const wallClock = m ? `${m[1]}T${m[2]}` : '';
  // a real calendar time: Date.parse alone would accept 2018-02-30 (rolled over) and 24:00:00
  if (!m || new Date(Date.parse(`${wallClock}Z`) || 0).toISOString().slice(0, 19) !== wallClock) {
    ctx.issues.push({ code: 'custom', message: `not an ISO-8601 time: ${preview(value)}`, input: value });
    return z.NEVER;
  }
  const fraction = m[3] === undefined ? '' : `.${m[3].slice(0, 6)}`;
  const offset = m[4] ?? 'Z';
  const utc = offset === 'Z' ? wallClock : new Date(Date.parse(`${wallClock}${offset}`)).toISOString().slice(0, 19);
  return `${utc.replace('T', ' ')}${fraction}`;
});

/** A whole number ≥ 0, as a JSON number or a string such as "1.0" (Python's str of a float). */
export const wholeNumber = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : /^\d+(?:\.0*)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 2_147_483_647) {
    ctx.issues.push({ code: 'custom', message: `not a whole number: ${preview(value)}`, input: value });
    return z.NEVER;
  }
  return n;
});

const count = z.number().int().nonnegative().max(2_147_483_647);

/** true / false, or the strings "true" / "false" the file writes for certification. */
export const textBoolean = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  ctx.issues.push({ code: 'custom', message: `not "true" or "false": ${preview(value)}`, input: value });
  return z.NEVER;
});

/** The option field "submitted": 1 in the file; 0 and booleans are read too. */
export const submittedFlag = z.union([z.boolean(), z.number()]).transform((value, ctx) => {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  ctx.issues.push({ code: 'custom', message: `not 0 or 1: ${preview(value)}`, input: value });
  return z.NEVER;
});

const id = text(64);

export const optionSchema = z.object({
  id,
  checked: z.boolean().nullish(),
  at: isoTimestamp.nullish(),
  submitted: submittedFlag.nullish(),
  correct: z.boolean().nullish(),
});

export const questionSchema = z.object({
  id,
  user_correct: z.boolean().nullish(),
  user_incomplete: z.boolean().nullish(),
  user_submitted: z.boolean().nullish(),
  user_result: text(32).nullish(),
  options: z.array(optionSchema).nullish(),
});

export const countsSchema = z.object({
  correct: count.nullish(),
  incorrect: count.nullish(),
  unanswered: count.nullish(),
  total: count.nullish(),
  submitted: count.nullish(),
  incomplete: count.nullish(),
  all_correct: z.boolean().nullish(),
});

/** Struct-like in most documents; some hold only questions (Spark inferred a map), some lack counts. */
export const sequencesSchema = z.object({
  id: id.nullish(),
  attempt: wholeNumber.nullish(),
  questions: z.array(questionSchema).nullish(),
  counts: countsSchema.nullish(),
});

export const attemptSchema = z.object({
  keen_id: id,
  keen_timestamp: epochTimestamp,
  keen_created_at: epochTimestamp.nullish(),
  started_at: isoTimestamp,
  max_attempts: wholeNumber.nullish(),
  base_exam_id: id,
  user_exam_id: id,
  exam_name: text(1024),
  certification: textBoolean.nullish(),
  sequences: sequencesSchema.nullish(),
});

/** A validated, normalised attempt document. */
export type AttemptRecord = z.output<typeof attemptSchema>;

export type AttemptCheck = { ok: true; record: AttemptRecord } | { ok: false; code: RejectCode; reason: string };

/** Validates a parsed JSON value as an attempt document; on failure, says why in one line. */
export function checkAttempt(value: unknown): AttemptCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'not_an_object', reason: `document is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object` };
  }
  const parsed = attemptSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return { ok: true, record: parsed.data };
  const issues = parsed.error.issues;
  const first = issues[0] as z.core.$ZodIssue;
  const missing = (first.code === 'invalid_type' || first.code === 'invalid_union') && first.input === undefined;
  const code: RejectCode = missing ? 'missing_field' : first.code === 'invalid_type' || first.code === 'invalid_union' ? 'invalid_type' : 'invalid_value';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return { ok: false, code, reason: `${pathText(first.path)}: ${missing ? 'missing' : describe(first)}${more}`.slice(0, 1024) };
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, received ${kindOf(issue.input)}`;
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' ? [e.expected] : [])))];
      return `expected ${expected.join(' or ')}, received ${kindOf(issue.input)}`;
    }
    default:
      return issue.message;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(document)' : out;
}
