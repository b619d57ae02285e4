// Named errors. Each class sets `name` explicitly (bundlers rename classes), because the
// state machine's Retry and Catch clauses match on that name: transient errors are retried,
// data errors fail the run at once.

/** Base class: every redline error carries a stable `name` for Step Functions to match. */
export abstract class RedlineError extends Error {
  abstract override readonly name: string;
  /** True when retrying the same work later may succeed (throttling, aborted under load). */
  readonly transient: boolean = false;
}

/** A COPY met more rejected rows than its MAXERROR allows; nothing was loaded. */
export class LoadErrorsExceeded extends RedlineError {
  override readonly name = 'LoadErrorsExceeded';
  constructor(
    readonly table: string,
    readonly rejected: number,
    readonly maxError: number,
    readonly sample: readonly LoadErrorSample[],
  ) {
    super(
      `COPY into ${table} rejected ${rejected} row(s), over MAXERROR ${maxError}; nothing was loaded. ` +
        sample
          .slice(0, 3)
          .map((e) => `${e.fileName}:${e.lineNumber} ${e.columnName ?? ''} ${e.errorMessage}`.replace(/\s+/g, ' '))
          .join('; '),
    );
  }
}

/** A COPY source matched no objects (a manifest or prefix with nothing in it). */
export class NoSourceFiles extends RedlineError {
  override readonly name = 'NoSourceFiles';
}

/** The outcome of one data-quality check. */
export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

/** One or more data-quality checks failed; the message lists every failing check. */
export class DataQualityCheckFailed extends RedlineError {
  override readonly name = 'DataQualityCheckFailed';
  /** @param results every check of the run, passed and failed */
  constructor(readonly results: readonly CheckResult[]) {
    const failures = results.filter((r) => !r.passed);
    super(`${failures.length} data-quality check(s) failed: ${failures.map((f) => `${f.name} (${f.detail})`).join('; ')}`);
  }
}

/**
 * A file a COPY read cannot be decompressed (a truncated or corrupt gzip object): bad input, not a
 * warehouse fault; nothing was loaded. Not retried: the same bytes fail the same way.
 */
export class CorruptInputFile extends RedlineError {
  override readonly name = 'CorruptInputFile';
}

/** A SQL statement failed in the warehouse (syntax, constraint, data). Not retried. */
export class StatementFailed extends RedlineError {
  override readonly name = 'StatementFailed';
}

/** A spec, SQL file or event the code was given does not make sense. Not retried. */
export class InvalidInput extends RedlineError {
  override readonly name = 'InvalidInput';
}

/**
 * A model step's feature set cannot train and measure its model: too few labelled rows of a class
 * (one class only among them), or a fit that does not converge to finite weights. Nothing was
 * scored and the target keeps its rows. Not retried: the same rows fail the same way.
 */
export class ModelTrainingFailed extends RedlineError {
  override readonly name = 'ModelTrainingFailed';
}

/** A rejected row, in the shape of Redshift's SYS_LOAD_ERROR_DETAIL. */
export interface LoadErrorSample {
  fileName: string;
  lineNumber: number;
  columnName: string | null;
  columnType: string | null;
  errorCode: number;
  errorMessage: string;
  rawLine: string;
  rawFieldValue: string | null;
}

/** The warehouse refused work for now (throttling, too many statements). Retried with backoff. */
export class WarehouseThrottled extends RedlineError {
  override readonly name = 'WarehouseThrottled';
  override readonly transient = true;
}

/**
 * The warehouse rolled a transaction back because a concurrent one changed the same tables
 * (Redshift's "1023: Serializable isolation violation"); nothing took effect. Retried.
 */
export class SerializationConflict extends RedlineError {
  override readonly name = 'SerializationConflict';
  override readonly transient = true;
}

/** A source had no objects to load for the run. */
export class NoDataArrived extends RedlineError {
  override readonly name = 'NoDataArrived';
}

/**
 * A cleaning step quarantined a larger share of its table's rows than its maxQuarantinedRatio; the
 * cleaning and the quarantine are committed (the rows are kept, with their reasons). Not retried:
 * the same rows break the same rules.
 */
export class CleaningThresholdExceeded extends RedlineError {
  override readonly name = 'CleaningThresholdExceeded';
  /** @param byRule rows quarantined per rule */
  constructor(
    readonly step: string,
    readonly table: string,
    readonly read: number,
    readonly quarantined: number,
    readonly maxRatio: number,
    readonly byRule: Readonly<Record<string, number>>,
  ) {
    const rules = Object.entries(byRule).map(([rule, rows]) => `${rule} ${rows}`);
    super(
      `cleaning step ${step} quarantined ${quarantined} of ${read} row(s) of ${table}, over maxQuarantinedRatio ${maxRatio}` +
        ` (the rows are in redline_quarantine): ${rules.join(', ')}`,
    );
  }
}

/** A cleaning step's counts do not reconcile (rows read ≠ rows kept + rows quarantined). Not retried. */
export class CleaningCountsMismatch extends RedlineError {
  override readonly name = 'CleaningCountsMismatch';
}

/**
 * A download could not be completed for now: the server was unreachable, dropped the connection
 * mid-body, timed out, answered 5xx, 408 or 429, after the download's own retries. Nothing was
 * landed. Retried by the state machine.
 */
export class DownloadFailed extends RedlineError {
  override readonly name = 'DownloadFailed';
  override readonly transient = true;
  /** @param retryAfterMs how long the server asked to wait before asking again (Retry-After), if it did */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A download that asking again will not fix: the server refused it (4xx), or the body was not the
 * one declared (checksum mismatch, over maxBytes). Nothing was landed. Not retried.
 */
export class DownloadRejected extends RedlineError {
  override readonly name = 'DownloadRejected';
}

/**
 * An external (Spark) job run ended unsuccessfully: locally its command exited non-zero or could
 * not start. Named as Step Functions names a failed task, States.TaskFailed (the EMR Serverless
 * startJobRun.sync integration documents no name of its own), so a Retry or Catch matches it in
 * both runtimes. Not retried: the same job on the same data fails the same way.
 */
export class ExternalJobFailed extends RedlineError {
  override readonly name = 'States.TaskFailed';
  /**
   * @param exitCode the command's exit code; null when it did not start or was ended by a signal
   * @param logFile where its stdout and stderr are
   */
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly logFile: string,
  ) {
    super(message);
  }
}

/**
 * An external job ran past its step's timeout and was stopped (locally: its process tree killed).
 * Named States.Timeout, as Step Functions names a Task state that ran past its TimeoutSeconds.
 */
export class ExternalJobTimedOut extends RedlineError {
  override readonly name = 'States.Timeout';
  /** @param logFile where the job's stdout and stderr are */
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(message);
  }
}

/**
 * Names of the errors the state machine retries: transient by nature, never data errors.
 * StatementAborted and WarehouseUnavailable are thrown by the Redshift Data API adapter;
 * SerializationConflict by any warehouse whose concurrent runs (a backfill) collide;
 * DownloadFailed by the download task once its own retries are spent.
 */
export const TRANSIENT_ERRORS: readonly string[] = [
  'WarehouseThrottled',
  'WarehouseUnavailable',
  'StatementAborted',
  'SerializationConflict',
  'DownloadFailed',
];
