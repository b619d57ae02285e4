// Wraps a task handler so that each attempt is recorded in the run audit (redline_runs): its
// step, start and end, status, for staging the rows read, loaded and rejected, and what the step
// measured when its result carries `metrics` (an object of numbers, e.g. a model's AUC). A failure
// is recorded and then rethrown unchanged; if even the record fails then (the warehouse may be
// the thing that is down), the original error still wins.
import type { HandlerDeps } from '../core/deps.ts';
import { recordStep, type StepRecord } from '../core/run-audit.ts';
import type { TaskHandler } from './index.ts';

interface RunFields {
  pipeline: string;
  runId: string;
  runDate: string;
}

/**
 * @param stepOf names the audited step from the task's event, e.g. `stage_staging_events`
 */
export function audited(
  deps: Pick<HandlerDeps, 'warehouse'>,
  stepOf: (event: RunFields & Record<string, unknown>) => string,
  handler: TaskHandler,
): TaskHandler {
  return async (event) => {
    const fields = event as RunFields & Record<string, unknown>;
    const startedAt = new Date();
    const base = {
      runId: fields.runId,
      pipeline: fields.pipeline,
      runDate: String(fields.runDate).slice(0, 10),
      step: stepOf(fields),
      startedAt,
    };
    let result: unknown;
    try {
      result = await handler(event);
    } catch (error) {
      const { name, message } = error as Error;
      const failure: StepRecord = { ...base, endedAt: new Date(), status: 'FAILED', error: `${name}: ${message}` };
      await recordStep(deps.warehouse, failure).catch(() => undefined);
      throw error;
    }
    await recordStep(deps.warehouse, { ...base, endedAt: new Date(), status: 'SUCCEEDED', rows: rowsOf(result), metrics: metricsOf(result) });
    return result;
  };
}

/** The result's `metrics`, when it is an object of finite numbers. */
function metricsOf(result: unknown): StepRecord['metrics'] {
  if (result === null || typeof result !== 'object') return undefined;
  const { metrics } = result as Record<string, unknown>;
  if (metrics === null || typeof metrics !== 'object') return undefined;
  const entries = Object.entries(metrics);
  return entries.every(([, v]) => typeof v === 'number' && Number.isFinite(v)) ? Object.fromEntries(entries) as Record<string, number> : undefined;
}

function rowsOf(result: unknown): StepRecord['rows'] {
  if (result === null || typeof result !== 'object') return undefined;
  const { read, loaded, rejected } = result as Record<string, unknown>;
  const counted = typeof read === 'number' && typeof loaded === 'number' && typeof rejected === 'number';
  return counted ? { read, loaded, rejected } : undefined;
}
