// Flatten task: one batch of a flatten's raw files through its registered TypeScript flattener,
// each file into its own flat gzip JSON-lines objects (under the prefix the plan chose), streamed
// end to end. Rewriting the same outputs, a retried task changes nothing. The counts reconcile:
// read = loaded + duplicates + rejected; rejected records are flat rows of their own, with reasons.
import type { HandlerDeps } from '../core/deps.ts';
import { InvalidInput } from '../core/errors.ts';
import { FLATTENERS, type FlattenCounts } from '../core/flatteners.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { flattenBatch, flattenEvent } from './events.ts';

export interface FlattenResult extends FlattenCounts {
  flatten: string;
  files: number;
}

export function createFlattenHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<FlattenResult> => {
    const event = flattenEvent.parse(raw);
    const flatten = pipelineNamed(event.pipeline).flattens.find((f) => f.name === event.flatten);
    if (!flatten) throw new InvalidInput(`pipeline ${event.pipeline} has no flatten ${event.flatten}`);
    const batch = flattenBatch.parse(JSON.parse((await deps.store.get(event.batch)).toString('utf8')));
    const flattener = FLATTENERS[flatten.flattener];
    const total: FlattenResult = { flatten: flatten.name, files: 0, read: 0, loaded: 0, duplicates: 0, rejected: 0 };
    for (const file of batch.files) {
      const counts = await flattener.flatten(deps.store, { sourceUri: file.uri, outputPrefixUri: file.outputPrefix });
      total.files += 1;
      total.read += counts.read;
      total.loaded += counts.loaded;
      total.duplicates += counts.duplicates;
      total.rejected += counts.rejected;
    }
    return total;
  };
}
