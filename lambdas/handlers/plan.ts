// Plan task, the sensor's eye: list each source's partition for the run date in the landing
// bucket and write the COPY manifests the stage task loads from, so a run loads exactly the
// files it planned. While a partition is empty it answers "not ready" (the state machine waits
// and asks again); after the spec's last attempt it fails with NoDataArrived.
import type { HandlerDeps } from '../core/deps.ts';
import { landingUri, manifestUri } from '../core/locations.ts';
import { NoDataArrived } from '../core/errors.ts';
import { renderKeyTemplate } from '../core/partition.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { planEvent, type PlanResult } from './events.ts';

export function createPlanHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<PlanResult> => {
    const event = planEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const attempt = event.attempt + 1;
    const listed = await Promise.all(
      spec.sources.map(async (source) => {
        const prefix = landingUri(deps.settings, renderKeyTemplate(source.prefix, event.runDate));
        return { source, prefix, objects: await deps.store.list(prefix) };
      }),
    );
    const empty = listed.filter((l) => l.objects.length === 0);
    if (empty.length > 0) {
      if (attempt >= spec.sensor.maxAttempts) {
        const where = empty.map((l) => `${l.prefix} (${l.source.table})`).join(', ');
        throw new NoDataArrived(`no objects under ${where} after ${attempt} look(s) for run date ${event.runDate}`);
      }
      return { ready: false, attempt, manifests: {}, objects: {} };
    }
    const result: PlanResult = { ready: true, attempt, manifests: {}, objects: {} };
    for (const { source, objects } of listed) {
      const manifest = {
        entries: objects.map((o) => ({ url: o.uri, mandatory: true, meta: { content_length: o.size } })),
      };
      const uri = manifestUri(deps.settings, spec.name, event.runId, source.table);
      await deps.store.put(uri, JSON.stringify(manifest, null, 1));
      result.manifests[source.table] = uri;
      result.objects[source.table] = objects.length;
    }
    return result;
  };
}
