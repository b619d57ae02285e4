// Run-date templates ({yyyy}, {mm}, {dd}) resolved at run time by Step Functions intrinsic
// functions, from the execution's `$.runDate` ('YYYY-MM-DD', or the scheduler's timestamp
// 'YYYY-MM-DDTHH:MM:SSZ'), for the fields a Task state passes straight to a service (an EMR
// Serverless job's arguments) where no Lambda can render them.
//
// The expressions are written to evaluate alike in Step Functions and in aws-local-stepfunctions:
// - States.StringSplit gets one delimiter character only (Step Functions splits on each character
//   of its delimiter, aws-local-stepfunctions on the whole string);
// - string literals hold none of ' \ ( ) { } (the local evaluator neither unescapes a quoted literal
//   nor parses parentheses inside one; braces would be Format placeholders);
// - a field holds at most 10 intrinsic function calls, the Step Functions limit.
// The result equals renderKeyTemplate(template, date) for the run's date (a test holds both to it).
import { InvalidInput } from '../../lambdas/core/errors.ts';

/** Most intrinsic function calls Step Functions accepts in one field. */
export const MAX_INTRINSIC_CALLS = 10;

/** The run's date as the execution input carries it. */
const RUN_DATE = '$.runDate';

/** One piece of a template: literal text, or a part of the run date. */
type Segment = { readonly text: string } | { readonly part: DatePart };
/** 'date' stands for '{yyyy}-{mm}-{dd}' written in one piece: the date without any time. */
type DatePart = 'yyyy' | 'mm' | 'dd' | 'date';

interface Expression {
  readonly text: string;
  /** How many intrinsic function calls `text` makes. */
  readonly calls: number;
}

const DATE: Expression = { text: `States.ArrayGetItem(States.StringSplit(${RUN_DATE}, 'T'), 0)`, calls: 2 };

const PARTS: Readonly<Record<DatePart, Expression>> = {
  date: DATE,
  yyyy: { text: `States.ArrayGetItem(States.StringSplit(${RUN_DATE}, '-'), 0)`, calls: 2 },
  mm: { text: `States.ArrayGetItem(States.StringSplit(${RUN_DATE}, '-'), 1)`, calls: 2 },
  // The day is cut from the date alone: in a timestamp it is followed by the time.
  dd: { text: `States.ArrayGetItem(States.StringSplit(${DATE.text}, '-'), 2)`, calls: DATE.calls + 2 },
};

const UNSAFE_IN_LITERAL = /['\\(){}]/;

/**
 * A list of templated strings as a Task state's Parameters field: `{ [field]: [...] }` when none is
 * templated, else `{ [field + '.$']: <intrinsic expression> }` building the same list at run time.
 * Throws InvalidInput when a templated list cannot be written within the limits above.
 */
export function runDateTemplatedList(field: string, templates: readonly string[]): Record<string, unknown> {
  const parsed = templates.map(parseRunDateTemplate);
  if (parsed.every((segments) => segments.every((s) => 'text' in s))) return { [field]: [...templates] };
  const unsafe = templates.find((_, i) => parsed[i]!.some((s) => 'text' in s && UNSAFE_IN_LITERAL.test(s.text)));
  if (unsafe !== undefined) throw new InvalidInput(`'${unsafe}': a templated list's strings may not hold ' \\ ( ) or braces but the placeholders`);
  const items = parsed.map(expressionOf);
  const expression: Expression = {
    text: `States.Array(${items.map((i) => i.text).join(', ')})`,
    calls: 1 + items.reduce((sum, i) => sum + i.calls, 0),
  };
  if (expression.calls > MAX_INTRINSIC_CALLS) {
    throw new InvalidInput(
      `[${templates.join(', ')}] needs ${expression.calls} intrinsic function calls, over Step Functions' ${MAX_INTRINSIC_CALLS}; ` +
        'template fewer parts (e.g. pass the date once as {yyyy}-{mm}-{dd} and let the job derive the rest)',
    );
  }
  return { [`${field}.$`]: expression.text };
}

/** A template's literal text and run-date parts, in order; '{yyyy}-{mm}-{dd}' is one part. */
function parseRunDateTemplate(template: string): Segment[] {
  return template
    .split(/(\{yyyy\}-\{mm\}-\{dd\}|\{yyyy\}|\{mm\}|\{dd\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      if (piece === '{yyyy}-{mm}-{dd}') return { part: 'date' };
      const part = /^\{(yyyy|mm|dd)\}$/.exec(piece)?.[1] as DatePart | undefined;
      return part ? { part } : { text: piece };
    });
}

function expressionOf(segments: readonly Segment[]): Expression {
  const parts = segments.flatMap((s) => ('part' in s ? [PARTS[s.part]] : []));
  if (parts.length === 0) return { text: `'${segments.map((s) => ('text' in s ? s.text : '')).join('')}'`, calls: 0 };
  if (segments.length === 1) return parts[0]!;
  const format = segments.map((s) => ('text' in s ? s.text : '{}')).join('');
  return {
    text: `States.Format('${format}', ${parts.map((p) => p.text).join(', ')})`,
    calls: 1 + parts.reduce((sum, p) => sum + p.calls, 0),
  };
}
