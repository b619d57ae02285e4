// Every Lambda task of a pipeline state machine, by the name the construct gives its function.
import type { HandlerDeps } from '../core/deps.ts';
import { audited } from './audited.ts';
import { createCheckHandler } from './check.ts';
import { createCleanHandler } from './clean.ts';
import { createDownloadHandler } from './download.ts';
import { createExtractHandler } from './extract.ts';
import { createFlattenHandler } from './flatten.ts';
import { createModelHandler } from './model.ts';
import { createNotifyHandler } from './notify.ts';
import { createPlanHandler } from './plan.ts';
import { createPublishHandler } from './publish.ts';
import { createStageHandler } from './stage.ts';
import { createSummarizeHandler } from './summarize.ts';
import { createTransformHandler } from './transform.ts';
import { createWatermarksHandler } from './watermarks.ts';

export const HANDLER_NAMES = ['plan', 'stage', 'transform', 'check', 'summarize', 'notify', 'watermarks', 'extract', 'flatten', 'publish', 'download', 'clean', 'model'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];
export type TaskHandler = (event: unknown) => Promise<unknown>;

/**
 * The handlers, those that work in the warehouse recorded in the run audit (plan runs before
 * the audit table exists; notify reports failures the audit already holds).
 */
export function createHandlers(deps: HandlerDeps): Record<HandlerName, TaskHandler> {
  return {
    plan: createPlanHandler(deps),
    stage: audited(deps, (e) => `stage_${String(e.table)}`, createStageHandler(deps)),
    transform: audited(deps, (e) => String(e.step), createTransformHandler(deps)),
    clean: audited(deps, (e) => `clean_${String(e.step)}`, createCleanHandler(deps)),
    model: audited(deps, (e) => `model_${String(e.step)}`, createModelHandler(deps)),
    check: audited(deps, () => 'checks', createCheckHandler(deps)),
    summarize: audited(deps, () => 'summary', createSummarizeHandler(deps)),
    notify: createNotifyHandler(deps),
    watermarks: createWatermarksHandler(deps),
    extract: audited(deps, () => 'extract', createExtractHandler(deps)),
    download: audited(deps, (e) => `download_${String(e.download)}`, createDownloadHandler(deps)),
    publish: audited(deps, () => 'publish', createPublishHandler(deps)),
    flatten: audited(deps, (e) => `flatten_${String(e.flatten)}_${String(e.batch).replace(/^.*batch-(\d+)\.json$/, '$1')}`, createFlattenHandler(deps)),
  };
}
