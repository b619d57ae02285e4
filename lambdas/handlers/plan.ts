// Plan task, the sensor's eye: list each source's and flatten's partition for the run date in the
// landing bucket and write the COPY manifests the stage task loads from, so a run loads exactly
// the files it planned. For a flatten, it also splits the raw files into batch lists (one flatten
// task each) and writes the manifests of the flat tables those tasks will write. While a partition
// is empty it answers "not ready" (the state machine waits and asks again); after the spec's last
// attempt it fails with NoDataArrived.
import type { HandlerDeps } from '../core/deps.ts';
import { flattenBatchUri, flattenedPrefixUri, landingUri, manifestUri } from '../core/locations.ts';
import { FLATTENERS } from '../core/flatteners.ts';
import type { StoredObject } from '../core/ports.ts';
import type { FlattenSourceSpec, PipelineSpec } from '../../lib/pipelines/spec.ts';
import { NoDataArrived } from '../core/errors.ts';
import { renderKeyTemplate } from '../core/partition.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { planEvent, type FlattenBatch, type PlanEvent, type PlanResult } from './events.ts';

export function createPlanHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<PlanResult> => {
    const event = planEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const attempt = event.attempt + 1;
    const list = async (name: string, template: string) => {
      const prefix = landingUri(deps.settings, renderKeyTemplate(template, event.runDate));
      return { name, prefix, objects: await deps.store.list(prefix) };
    };
    const listed = await Promise.all(spec.sources.map((source) => list(source.table, source.prefix)));
    const rawFiles = await Promise.all(spec.flattens.map((flatten) => list(flatten.name, flatten.prefix)));
    const awaited = [...listed.filter((_, i) => spec.sources[i]!.required), ...rawFiles];
    const empty = awaited.filter((l) => l.objects.length === 0);
    if (empty.length > 0) {
      if (attempt >= spec.sensor.maxAttempts) {
        const where = empty.map((l) => `${l.prefix} (${l.name})`).join(', ');
        throw new NoDataArrived(`no objects under ${where} after ${attempt} look(s) for run date ${event.runDate}`);
      }
      return { ready: false, attempt, manifests: {}, batches: {}, objects: {} };
    }
    const result: PlanResult = { ready: true, attempt, manifests: {}, batches: {}, objects: {} };
    for (const [i, flatten] of spec.flattens.entries()) {
      await planFlatten(deps, spec, event, flatten, rawFiles[i]!.objects, result);
    }
    for (const { name: table, objects } of listed) {
      const manifest = {
        entries: objects.map((o) => ({ url: o.uri, mandatory: true, meta: { content_length: o.size } })),
      };
      const uri = manifestUri(deps.settings, spec.name, event.runId, table);
      await deps.store.put(uri, JSON.stringify(manifest, null, 1));
      result.manifests[table] = uri;
      result.objects[table] = objects.length;
    }
    return result;
  };
}

/** Batch lists of the raw files, and the manifests of the flat tables the flatten tasks will write. */
async function planFlatten(
  deps: HandlerDeps,
  spec: PipelineSpec,
  event: PlanEvent,
  flatten: FlattenSourceSpec,
  objects: readonly StoredObject[],
  result: PlanResult,
): Promise<void> {
  const files = objects.map((o, index) => ({
    uri: o.uri,
    outputPrefix: flattenedPrefixUri(deps.settings, spec.name, event.runId, flatten.name, index),
  }));
  result.batches[flatten.name] = [];
  for (let from = 0, batch = 0; from < files.length; from += flatten.filesPerBatch, batch++) {
    const uri = flattenBatchUri(deps.settings, spec.name, event.runId, flatten.name, batch);
    const list: FlattenBatch = { files: files.slice(from, from + flatten.filesPerBatch) };
    await deps.store.put(uri, JSON.stringify(list, null, 1));
    result.batches[flatten.name]!.push(uri);
  }
  const flattener = FLATTENERS[flatten.flattener];
  for (const [table, staging] of Object.entries(flatten.staging)) {
    const entries = files.map((f) => ({ url: flattener.outputUri(f.outputPrefix, table), mandatory: true }));
    const uri = manifestUri(deps.settings, spec.name, event.runId, staging);
    await deps.store.put(uri, JSON.stringify({ entries }, null, 1));
    result.manifests[staging] = uri;
  }
  result.objects[flatten.name] = objects.length;
}
