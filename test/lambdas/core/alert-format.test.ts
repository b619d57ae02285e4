import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../lambdas/core/alert-format.ts';

const run = { pipeline: 'sparkify', runId: 'sparkify-2018-11-02-ab', runDate: '2018-11-02', failedStep: 'Run quality checks' };

describe('formatAlert', () => {
  it('names pipeline, run date, failed step and error in the subject', () => {
    const alert = formatAlert({ ...run, error: { Error: 'DataQualityCheckFailed', Cause: 'x' } });
    expect(alert.subject).toBe('[redline] sparkify 2018-11-02 failed at Run quality checks: DataQualityCheckFailed');
    expect(alert.failedStep).toBe('Run quality checks');
  });

  it('unwraps the errorMessage of a Lambda error cause and lists each failure on its own line', () => {
    const cause = JSON.stringify({ errorType: 'DataQualityCheckFailed', errorMessage: '2 failed: a (x); b (y)', trace: [] });
    const alert = formatAlert({ ...run, error: { Error: 'DataQualityCheckFailed', Cause: cause } });
    expect(alert.error.message).toBe('2 failed: a (x); b (y)');
    expect(alert.details).toContain('  b (y)');
  });

  it('adds a link to the execution when the deployment can build one', () => {
    const alert = formatAlert({ ...run, error: { Error: 'E' } }, (id) => `https://console/${id}`);
    expect(alert.details.at(-1)).toBe('Execution: https://console/sparkify-2018-11-02-ab');
    expect(alert.error.message).toBe('(no cause given)');
  });
});
