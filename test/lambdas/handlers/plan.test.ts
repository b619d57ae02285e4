import { describe, expect, it } from 'vitest';
import { createPlanHandler } from '../../../lambdas/handlers/plan.ts';
import { NoDataArrived } from '../../../lambdas/core/errors.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { MemoryStore, fakeDeps, scriptedWarehouse } from '../../support/fake-deps.ts';

const noWarehouse = scriptedWarehouse(() => []);
const day = { pipeline: 'sparkify', runId: 'r1', runDate: '2018-11-01', attempt: 0 };

async function landedStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.put('s3://landing/log_data/2018/11/2018-11-01-events.json', '{}');
  await store.put('s3://landing/log_data/2018/11/2018-11-02-events.json', '{}');
  await store.put('s3://landing/song_data/A/A/A/TRA.json', '{}');
  return store;
}

describe('plan handler', () => {
  it("writes one COPY manifest per source listing exactly the run date's objects", async () => {
    const store = await landedStore();
    const plan = await createPlanHandler(fakeDeps(noWarehouse, store))(day);
    expect(plan).toMatchObject({ ready: true, attempt: 1, objects: { staging_events: 1, staging_songs: 1 } });
    expect(plan.manifests.staging_events).toBe('s3://work/manifests/sparkify/r1/staging_events.manifest.json');
    const manifest = JSON.parse((await store.get(plan.manifests.staging_events!)).toString());
    expect(manifest).toEqual({
      entries: [{ url: 's3://landing/log_data/2018/11/2018-11-01-events.json', mandatory: true, meta: { content_length: 2 } }],
    });
  });

  it('answers not ready, writing nothing, while the partition is empty and looks remain', async () => {
    const store = await landedStore();
    const plan = await createPlanHandler(fakeDeps(noWarehouse, store))({ ...day, runDate: '2018-11-03', attempt: 3 });
    expect(plan).toEqual({ ready: false, attempt: 4, manifests: {}, batches: {}, objects: {} });
    expect([...store.objects.keys()].some((k) => k.includes('manifests'))).toBe(false);
  });

  it('fails with NoDataArrived naming the empty partition on the last look', async () => {
    const store = await landedStore();
    const lastLook = { ...day, runDate: '2018-11-03', attempt: sparkify.sensor.maxAttempts - 1 };
    await expect(createPlanHandler(fakeDeps(noWarehouse, store))(lastLook)).rejects.toThrow(
      new NoDataArrived(`no objects under s3://landing/log_data/2018/11/2018-11-03-events.json (staging_events) after ${sparkify.sensor.maxAttempts} look(s) for run date 2018-11-03`),
    );
  });

  it("accepts the scheduler's timestamp as the run date and refuses anything else", async () => {
    const handler = createPlanHandler(fakeDeps(noWarehouse, await landedStore()));
    expect(await handler({ ...day, runDate: '2018-11-02T01:00:00Z' })).toMatchObject({ ready: true });
    await expect(handler({ ...day, runDate: 'yesterday' })).rejects.toThrow(/run date/);
  });

  it("splits a flatten's raw files into batch lists and writes the flat tables' manifests before they exist", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 12; i++) await store.put(`s3://landing/assessments/part-${String(i).padStart(2, '0')}.json`, '[]');
    const plan = await createPlanHandler(fakeDeps(noWarehouse, store))({ pipeline: 'assessments', runId: 'r9', runDate: '2026-11-20', attempt: 0 });

    expect(plan.batches.attempts).toEqual([
      's3://work/manifests/assessments/r9/attempts.batch-0.json',
      's3://work/manifests/assessments/r9/attempts.batch-1.json',
    ]);
    const second = JSON.parse((await store.get(plan.batches.attempts![1]!)).toString());
    expect(second.files).toEqual([
      { uri: 's3://landing/assessments/part-10.json', outputPrefix: 's3://work/manifests/assessments/r9/flattened/attempts/10/' },
      { uri: 's3://landing/assessments/part-11.json', outputPrefix: 's3://work/manifests/assessments/r9/flattened/attempts/11/' },
    ]);
    const options = JSON.parse((await store.get(plan.manifests.staging_assessment_options!)).toString());
    expect(options.entries).toHaveLength(12);
    expect(options.entries[0]).toEqual({
      url: 's3://work/manifests/assessments/r9/flattened/attempts/0/assessment_options.jsonl.gz',
      mandatory: true,
    });
    expect(plan.objects).toEqual({ attempts: 12 });
  });
});
