// Named errors of the Redshift Data API adapter, and the translation of the Data API's own
// exceptions into names the state machine's Retry and Catch clauses can tell apart: throttling
// and server-side faults are transient, everything else keeps its own (fatal) name.
import { RedlineError, WarehouseThrottled } from '../core/errors.ts';

/** The warehouse aborted a statement (e.g. under load, or a cancel); nothing took effect. Retried. */
export class StatementAborted extends RedlineError {
  override readonly name = 'StatementAborted';
  override readonly transient = true;
  constructor(readonly statementId: string, detail: string) {
    super(`statement ${statementId} was aborted: ${detail}`);
  }
}

/**
 * A statement outran the step's time and was cancelled (CancelStatement). Not retried: the same
 * work under the same time budget would most likely time out again.
 */
export class StatementTimedOut extends RedlineError {
  override readonly name = 'StatementTimedOut';
  constructor(readonly statementId: string, readonly waitedMs: number, detail: string) {
    super(`statement ${statementId} did not finish within ${waitedMs} ms and was cancelled: ${detail}`);
  }
}

/** The Data API or the warehouse behind it failed on its side (a server fault). Retried. */
export class WarehouseUnavailable extends RedlineError {
  override readonly name = 'WarehouseUnavailable';
  override readonly transient = true;
}

/** Data API exceptions that mean "too much at once, try later". */
const THROTTLING_EXCEPTIONS: ReadonlySet<string> = new Set(['ThrottlingException', 'ActiveStatementsExceededException']);

/**
 * The error to throw for something a Data API call threw: throttling → WarehouseThrottled,
 * a server fault (ExecuteStatementException, BatchExecuteStatementException,
 * DatabaseConnectionException, InternalServerException, …) → WarehouseUnavailable, anything
 * else (ValidationException, access denied, …) unchanged, so its own name reaches the state machine.
 */
export function translateDataApiError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof RedlineError) return error;
  const detail = `${error.name}: ${error.message}`;
  if (THROTTLING_EXCEPTIONS.has(error.name)) return new WarehouseThrottled(detail, { cause: error });
  if (isServerFault(error)) return new WarehouseUnavailable(detail, { cause: error });
  return error;
}

function isServerFault(error: Error): boolean {
  return '$fault' in error && error.$fault === 'server';
}
