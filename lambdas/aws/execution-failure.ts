// Turns EventBridge's "Step Functions Execution Status Change" event of a failed, timed-out or
// aborted pipeline execution into the FailedRun the notify handler alerts on. The event names the
// execution and its error; which state failed is read from the execution's history, walking back
// from the failure event to the state it happened in (inside a Parallel branch, the branch's task).
// In a pipeline with triggered steps the main-line failure is caught ('Record failure …') and the
// run ends later in 'Run failed': the failure that counts is the one just before the first record.
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { FailedRun } from '../core/alert-format.ts';
import { InvalidInput } from '../core/errors.ts';
import { RECORD_FAILURE_STATE } from '../core/state-names.ts';

const statusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    startDate: z.number(),
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

/** History events that end a state's work unsuccessfully. */
const FAILURE_EVENTS = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
]);

/** The error an execution that stopped without one of its own is reported with. */
const STATUS_ERRORS = { TIMED_OUT: 'States.Timeout', ABORTED: 'ExecutionAborted' } as const;

/**
 * The failed run `event` reports, for `pipeline`.
 * @throws InvalidInput when `event` is not a failed/timed-out/aborted execution status change
 */
export async function failedRunOf(event: unknown, pipeline: string, client: SFNClient): Promise<FailedRun> {
  const parsed = statusChange.safeParse(event);
  if (!parsed.success) throw new InvalidInput(`not an execution failure event: ${parsed.error.issues[0]?.message}`);
  const { detail } = parsed.data;
  const history = await executionHistory(client, detail.executionArn);
  const errorName = detail.error ?? (detail.status === 'FAILED' ? 'States.Runtime' : STATUS_ERRORS[detail.status]);
  return {
    pipeline,
    runId: detail.name,
    runDate: runDateOf(detail.input, detail.startDate),
    failedStep: failedStateOf(history) ?? 'the execution',
    error: { Error: errorName, ...(detail.cause ? { Cause: detail.cause } : {}) },
  };
}

async function executionHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * The state the last failure happened in (before the first caught failure was recorded, if one
 * was); else the last state entered (a timeout, an abort).
 */
export function failedStateOf(history: readonly HistoryEvent[]): string | undefined {
  const byId = new Map(history.map((e) => [e.id, e]));
  const recorded = history.findIndex((e) => e.stateEnteredEventDetails?.name?.startsWith(RECORD_FAILURE_STATE));
  const failure = history.slice(0, recorded < 0 ? undefined : recorded).findLast((e) => FAILURE_EVENTS.has(String(e.type)));
  for (let e = failure; e; e = byId.get(e.previousEventId)) {
    if (String(e.type).endsWith('StateEntered')) return e.stateEnteredEventDetails?.name;
  }
  return history.findLast((e) => String(e.type).endsWith('StateEntered'))?.stateEnteredEventDetails?.name;
}

/** The run date from the execution's input; a scheduled run without one ran for its start day. */
function runDateOf(input: string | null | undefined, startDate: number): string {
  try {
    const runDate: unknown = input ? (JSON.parse(input) as { runDate?: unknown }).runDate : undefined;
    if (typeof runDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(runDate)) return runDate.slice(0, 10);
  } catch {
    // not JSON: fall back to the start date
  }
  return new Date(startDate).toISOString().slice(0, 10);
}
