// Check task: run every data-quality check of a pipeline, then fail with all failures
// at once, so one alert tells the whole story. A transient warehouse error is thrown instead,
// so the state machine retries the checks rather than reporting them failed. A check that names
// a staging table reads the run's own copy of it.
import type { HandlerDeps } from '../core/deps.ts';
import { evaluateExpectation } from '../core/check-evaluation.ts';
import { DataQualityCheckFailed, RedlineError, type CheckResult } from '../core/errors.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { checkEvent } from './events.ts';
import { runScopedTables, scopeToRun } from '../core/run-staging.ts';

export interface CheckRunResult {
  checks: CheckResult[];
}

export function createCheckHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<CheckRunResult> => {
    const event = checkEvent.parse(raw);
    const checks: CheckResult[] = [];
    const spec = pipelineNamed(event.pipeline);
    for (const check of spec.checks) {
      try {
        const sql = scopeToRun(check.sql, runScopedTables(spec), event.runId);
        const verdict = evaluateExpectation(check.expect, await deps.warehouse.query(sql));
        checks.push({ name: check.name, ...verdict });
      } catch (error) {
        if (error instanceof RedlineError && error.transient) throw error;
        checks.push({ name: check.name, passed: false, detail: `could not run: ${(error as Error).message}` });
      }
    }
    if (checks.some((c) => !c.passed)) throw new DataQualityCheckFailed(checks);
    return { checks };
  };
}
