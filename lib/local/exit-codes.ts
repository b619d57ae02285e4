// The CLI's exit codes by failure class, so scripts can tell a bad day of data from a broken setup.
//   0  the run succeeded
//   1  a data-quality check failed (the data loaded, but is wrong)
//   2  usage error (bad arguments, unknown pipeline or run, missing data folder)
//   3  input rejected (rows over MAXERROR, no data arrived, input that cannot be read or decompressed,
//      a feature set a model cannot be trained on, more rows quarantined than a cleaning step allows)
//   4  infrastructure error (the warehouse, the store or the notifier failed)

export const EXIT_CODES = { succeeded: 0, checkFailed: 1, usage: 2, inputRejected: 3, infrastructure: 4 } as const;

const INPUT_ERRORS = new Set(['LoadErrorsExceeded', 'NoDataArrived', 'AssessmentsInputError', 'InvalidGameEvent', 'CorruptInputFile', 'ModelTrainingFailed', 'CleaningThresholdExceeded']);

/** The exit code of a run that ended with `error` (none: it succeeded). */
export function exitCodeOf(error: { name: string } | undefined): number {
  if (!error) return EXIT_CODES.succeeded;
  if (error.name === 'DataQualityCheckFailed') return EXIT_CODES.checkFailed;
  if (error.name === 'InvalidInput') return EXIT_CODES.usage;
  if (INPUT_ERRORS.has(error.name)) return EXIT_CODES.inputRejected;
  return EXIT_CODES.infrastructure;
}
