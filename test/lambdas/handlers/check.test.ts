import { describe, expect, it } from 'vitest';
import { createCheckHandler } from '../../../lambdas/handlers/check.ts';
import { DataQualityCheckFailed, WarehouseThrottled } from '../../../lambdas/core/errors.ts';
import { fakeDeps, scriptedWarehouse } from '../../support/fake-deps.ts';

const event = { pipeline: 'sparkify', runId: 'r1', runDate: '2018-11-01' };

describe('check handler', () => {
  it('runs every check even after one fails, and reports all failures in one named error', async () => {
    const warehouse = scriptedWarehouse((sql) => {
      if (sql.includes('HAVING')) return [{ user_id: 1, copies: 2 }];
      if (sql.includes('LEFT JOIN')) return [];
      return sql.includes('IS NULL') ? [{ n: 0 }] : [{ n: 5 }];
    });
    const error = await createCheckHandler(fakeDeps(warehouse))(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataQualityCheckFailed);
    const failed = (error as DataQualityCheckFailed).results.filter((r) => !r.passed).map((r) => r.name);
    expect(failed).toEqual(['songplays_unique_key', 'users_unique_key', 'songs_unique_key', 'artists_unique_key', 'time_unique_key']);
    expect((error as Error).message).toMatch(/^5 data-quality check\(s\) failed: songplays_unique_key/);
  });

  it('counts a check whose SQL fails as a failed check, naming the reason', async () => {
    const warehouse = scriptedWarehouse((sql) => {
      if (sql.includes('songplays_user_id') || sql.includes('f.user_id')) throw new Error('column does not exist');
      return sql.includes('HAVING') || sql.includes('LEFT JOIN') ? [] : sql.includes('IS NULL') ? [{ n: 0 }] : [{ n: 5 }];
    });
    const error = (await createCheckHandler(fakeDeps(warehouse))(event).catch((e: unknown) => e)) as DataQualityCheckFailed;
    expect(error.results.filter((r) => !r.passed)).toEqual([
      { name: 'songplays_user_id_in_users', passed: false, detail: 'could not run: column does not exist' },
    ]);
  });

  it('lets a transient warehouse error through so the state machine retries the checks', async () => {
    const warehouse = scriptedWarehouse(() => {
      throw new WarehouseThrottled('too many statements');
    });
    await expect(createCheckHandler(fakeDeps(warehouse))(event)).rejects.toBeInstanceOf(WarehouseThrottled);
  });

  it('returns every result when all checks pass', async () => {
    const warehouse = scriptedWarehouse((sql) => (sql.includes('HAVING') || sql.includes('LEFT JOIN') ? [] : sql.includes('IS NULL') ? [{ n: 0 }] : [{ n: 3 }]));
    const result = await createCheckHandler(fakeDeps(warehouse))(event);
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(result.checks).toHaveLength(17);
  });
});
