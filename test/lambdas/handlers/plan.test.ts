import { describe, expect, it } from 'vitest';
import { createPlanHandler } from '../../../lambdas/handlers/plan.ts';
import { NoDataArrived } from '../../../lambdas/core/errors.ts';
import { MemoryStore, fakeDeps, scriptedWarehouse } from '../../support/fake-deps.ts';

const noWarehouse = scriptedWarehouse(() => []);

describe('plan handler', () => {
  it('writes one COPY manifest per source listing exactly the landed objects', async () => {
    const store = new MemoryStore();
    await store.put('s3://landing/log_data/2018/11/2018-11-01-events.json', '{}');
    await store.put('s3://landing/song_data/A/A/A/TRA.json', '{}');
    const plan = await createPlanHandler(fakeDeps(noWarehouse, store))({ pipeline: 'sparkify', runId: 'r1', runDate: '2018-11-01' });
    expect(plan.objects).toEqual({ staging_events: 1, staging_songs: 1 });
    expect(plan.manifests.staging_events).toBe('s3://work/manifests/sparkify/r1/staging_events.manifest.json');
    const manifest = JSON.parse((await store.get(plan.manifests.staging_events!)).toString());
    expect(manifest).toEqual({
      entries: [{ url: 's3://landing/log_data/2018/11/2018-11-01-events.json', mandatory: true, meta: { content_length: 2 } }],
    });
  });

  it('fails with NoDataArrived naming the empty source', async () => {
    const store = new MemoryStore();
    await store.put('s3://landing/song_data/A/A/A/TRA.json', '{}');
    await expect(createPlanHandler(fakeDeps(noWarehouse, store))({ pipeline: 'sparkify', runId: 'r1', runDate: '2018-11-01' })).rejects.toThrow(
      NoDataArrived,
    );
  });

  it("accepts the scheduler's timestamp as the run date and refuses anything else", async () => {
    const handler = createPlanHandler(fakeDeps(noWarehouse));
    await expect(handler({ pipeline: 'sparkify', runId: 'r1', runDate: '2024-05-01T01:00:00Z' })).rejects.toThrow(NoDataArrived);
    await expect(handler({ pipeline: 'sparkify', runId: 'r1', runDate: 'yesterday' })).rejects.toThrow(/run date/);
  });
});
