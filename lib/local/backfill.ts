// Local backfill: runs a pipeline for every date of a range, up to `concurrency` dates at once
// (each run stages into its own copies of the staging tables; the runs share one warehouse), and
// reports each date's outcome in date order. Every run is idempotent for its date, so a backfill
// over days already loaded changes nothing.
import { openLocalEnvironment } from './local-environment.ts';
import { runPipelineLocally, type LocalRunOptions, type RunOutcome } from './runner.ts';

export interface BackfillOptions extends Omit<LocalRunOptions, 'runDate' | 'runId' | 'environment'> {
  /** First run date, YYYY-MM-DD. */
  from: string;
  /** Last run date, YYYY-MM-DD, included. */
  to: string;
  /**
   * How many dates run at once.
   * @default 1
   */
  concurrency?: number;
  /** Called after each date's run, e.g. to show progress. */
  onRun?: (outcome: RunOutcome) => void;
}

export async function backfillLocally(options: BackfillOptions): Promise<RunOutcome[]> {
  const { from, to, onRun, concurrency = 1, ...run } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number of at least 1, not ${concurrency}`);
  const dates = datesBetween(from, to);
  const outcomes: RunOutcome[] = new Array(dates.length);
  const environment = await openLocalEnvironment(run);
  try {
    let next = 0;
    const worker = async () => {
      while (next < dates.length) {
        const index = next++;
        const outcome = await runPipelineLocally({ ...run, environment, runDate: dates[index]! });
        outcomes[index] = outcome;
        onRun?.(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, dates.length) }, worker));
  } finally {
    await environment.close();
  }
  return outcomes;
}
/** Every date from `from` to `to`, both included, as YYYY-MM-DD (UTC calendar days). */
export function datesBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`dates must be YYYY-MM-DD: ${from}, ${to}`);
  if (end < start) throw new Error(`--to ${to} is before --from ${from}`);
  const dates: string[] = [];
  for (let day = start; day <= end; day += 86_400_000) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}
