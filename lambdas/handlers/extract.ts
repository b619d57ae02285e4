// Extract task: lands the pipeline's tables from its operational database (see core/extract.ts)
// when one is configured; without one, the sources are read as they landed and nothing happens.
import type { HandlerDeps } from '../core/deps.ts';
import { extractTables, type ExtractedTable } from '../core/extract.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { extractEvent } from './events.ts';

export interface ExtractResult {
  extracted: boolean;
  tables: ExtractedTable[];
}

export function createExtractHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<ExtractResult> => {
    const event = extractEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    if (!spec.extract || !deps.sourceDatabase) return { extracted: false, tables: [] };
    const database = await deps.sourceDatabase();
    try {
      return { extracted: true, tables: await extractTables(database, deps.store, deps.settings, spec.extract, event.watermarks) };
    } finally {
      await database.close();
    }
  };
}
