// Fault injection below the task: a warehouse statement failing inside a stage task after its
// COPY. For every source loaded once per file (load 'new-files', through the load-once ledger),
// the transaction that appends the COPYed rows and marks their files loaded fails once with a
// transient error; the state machine retries the stage task, and the run must still end with the
// clean run's report tables (no file's rows loaded twice).
import { describe, expect, it } from 'vitest';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { LEDGER_TABLE } from '../../lambdas/core/load-ledger.ts';
import { cleanRun, faultErrors, runWithStatementFault, sparkifySubject, userActivitySubject } from '../support/fault-injection.ts';

const LEDGER_MARK = new RegExp(`^UPDATE ${LEDGER_TABLE} SET loaded_at`);

const cases = [
  { pipeline: 'sparkify', makeSubject: sparkifySubject },
  { pipeline: 'user-activity-reports', makeSubject: userActivitySubject },
].flatMap(({ pipeline, makeSubject }) =>
  pipelineNamed(pipeline)
    .sources.filter((s) => s.load === 'new-files')
    .map((s) => ({ pipeline, table: s.table, makeSubject })),
);

describe.concurrent('fault injection: a warehouse statement failing inside a stage task', () => {
  it.each(cases)(
    'a transient failure of the ledger write after the COPY into $table ($pipeline) is retried without loading its files twice',
    async ({ table, makeSubject }) => {
      const subject = await makeSubject();
      const { fingerprints: clean } = await cleanRun(subject);
      const run = await runWithStatementFault(subject, (sql, params, failedSoFar) =>
        failedSoFar === 0 && LEDGER_MARK.test(sql.trim()) && (params.table_name === table || sql.includes(`'${table}'`))
          ? faultErrors.unavailable()
          : undefined,
      );
      expect(run.failedStatements).toBe(1);
      expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
      expect(run.alerts).toEqual([]);
      expect(run.afterRun).toEqual(clean);
    },
  );
});
