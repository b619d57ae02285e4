// Plan task: list each source's objects in the landing bucket and write the COPY manifest
// the stage task loads from, so a run loads exactly the files it planned.
import type { HandlerDeps } from '../core/deps.ts';
import { landingUri, manifestUri } from '../core/locations.ts';
import { NoDataArrived } from '../core/errors.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { planEvent, type PlanResult } from './events.ts';

export function createPlanHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<PlanResult> => {
    const event = planEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const result: PlanResult = { manifests: {}, objects: {} };
    for (const source of spec.sources) {
      const prefix = landingUri(deps.settings, source.prefix);
      const objects = await deps.store.list(prefix);
      if (objects.length === 0) throw new NoDataArrived(`no objects under ${prefix} for ${source.table}`);
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
