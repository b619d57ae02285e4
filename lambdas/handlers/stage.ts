// Stage task: empty one staging table and COPY the run's planned files into it.
// Rejected rows stay in the load-errors table; a sample travels with the result.
import type { HandlerDeps } from '../core/deps.ts';
import { copySpecSchema, type CopyResult } from '../core/copy-spec.ts';
import type { LoadErrorSample } from '../core/errors.ts';
import { InvalidInput } from '../core/errors.ts';
import { assetUri } from '../core/locations.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { stageEvent } from './events.ts';

export interface StageResult extends CopyResult {
  rejectedSample: LoadErrorSample[];
}

const REJECTED_SAMPLE_SIZE = 5;

export function createStageHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<StageResult> => {
    const event = stageEvent.parse(raw);
    const source = pipelineNamed(event.pipeline).sources.find((s) => s.table === event.table);
    if (!source) throw new InvalidInput(`pipeline ${event.pipeline} has no source table ${event.table}`);
    const { format } = source;
    const copy = copySpecSchema.parse({
      table: source.table,
      from: event.manifest,
      manifest: true,
      format: format.kind === 'json' && format.paths !== 'auto' ? { ...format, paths: assetUri(deps.settings, format.paths) } : format,
      timeFormat: source.timeFormat,
      blanksAsNull: source.blanksAsNull,
      emptyAsNull: source.emptyAsNull,
      gzip: source.gzip,
      maxError: source.maxError,
      iamRole: deps.settings.copyRoleArn,
    });
    const context = { runId: event.runId, step: `stage_${source.table}` };
    await deps.warehouse.executeInTransaction([`TRUNCATE ${source.table}`], context);
    const result = await deps.warehouse.copy(copy, context);
    const rejectedSample =
      result.rejected > 0 ? await deps.warehouse.loadErrors(source.table, context, REJECTED_SAMPLE_SIZE) : [];
    return { ...result, rejectedSample };
  };
}
