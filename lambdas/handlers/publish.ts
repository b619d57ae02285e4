// Publish task: every result set the pipeline declares, UNLOADed as Parquet to the work bucket's
// published/<pipeline>/<run date>/<name>/ (replacing an earlier run's for the same date), for
// people and tools that read files rather than the warehouse.
import type { HandlerDeps } from '../core/deps.ts';
import { publishedUri } from '../core/locations.ts';
import { unloadSpecSchema } from '../core/unload-sql.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { publishEvent } from './events.ts';

export interface PublishedResult {
  name: string;
  uri: string;
  rows: number;
}

export function createPublishHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<{ published: PublishedResult[] }> => {
    const event = publishEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const published: PublishedResult[] = [];
    for (const result of spec.publish) {
      const uri = publishedUri(deps.settings, spec.name, event.runDate, result.name);
      const unload = unloadSpecSchema.parse({ sql: await deps.sql.read(result.sql), to: uri, iamRole: deps.settings.copyRoleArn });
      const { rows } = await deps.warehouse.unload(unload, { runId: event.runId, step: `publish_${result.name}` });
      published.push({ name: result.name, uri, rows });
    }
    return { published };
  };
}
