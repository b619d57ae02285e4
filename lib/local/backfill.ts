// Local backfill: runs a pipeline for every date of a range, one run after another (runs of a
// pipeline share its staging tables), and reports each date's outcome. Every run is idempotent
// for its date, so a backfill over days already loaded changes nothing.
import { runPipelineLocally, type LocalRunOptions, type RunOutcome } from './runner.ts';

export interface BackfillOptions extends Omit<LocalRunOptions, 'runDate' | 'runId'> {
  /** First run date, YYYY-MM-DD. */
  from: string;
  /** Last run date, YYYY-MM-DD, included. */
  to: string;
  /** Called after each date's run, e.g. to show progress. */
  onRun?: (outcome: RunOutcome) => void;
}

export async function backfillLocally(options: BackfillOptions): Promise<RunOutcome[]> {
  const { from, to, onRun, ...run } = options;
  const outcomes: RunOutcome[] = [];
  for (const runDate of datesBetween(from, to)) {
    const outcome = await runPipelineLocally({ ...run, runDate });
    outcomes.push(outcome);
    onRun?.(outcome);
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
