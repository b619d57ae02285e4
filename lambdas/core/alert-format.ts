// Turns a failed run into an alert a person can act on: which pipeline and run, which step,
// which error, the first rejected rows, and where to look.
import type { Alert } from './ports.ts';

export interface FailedRun {
  pipeline: string;
  runId: string;
  runDate: string;
  failedStep: string;
  error: { Error: string; Cause?: string };
}

export function formatAlert(run: FailedRun, executionLink?: (runId: string) => string): Alert {
  const message = causeMessage(run.error.Cause);
  const details = [
    `Pipeline: ${run.pipeline}`,
    `Run: ${run.runId} (run date ${run.runDate})`,
    `Failed step: ${run.failedStep}`,
    `Error: ${run.error.Error}`,
    ...message.split('; ').map((line) => `  ${line}`),
  ];
  if (executionLink) details.push(`Execution: ${executionLink(run.runId)}`);
  return {
    pipeline: run.pipeline,
    runId: run.runId,
    runDate: run.runDate,
    subject: `[redline] ${run.pipeline} ${run.runDate} failed at ${run.failedStep}: ${run.error.Error}`,
    error: { name: run.error.Error, message },
    failedStep: run.failedStep,
    details,
  };
}

/** Lambda puts {errorMessage, errorType, trace} JSON in Cause; a local task puts the message. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return '(no cause given)';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // not JSON: the cause is the message itself
  }
  return cause;
}
