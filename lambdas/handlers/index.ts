// Every Lambda task of a pipeline state machine, by the name the construct gives its function.
import type { HandlerDeps } from '../core/deps.ts';
import { createCheckHandler } from './check.ts';
import { createNotifyHandler } from './notify.ts';
import { createPlanHandler } from './plan.ts';
import { createStageHandler } from './stage.ts';
import { createSummarizeHandler } from './summarize.ts';
import { createTransformHandler } from './transform.ts';

export const HANDLER_NAMES = ['plan', 'stage', 'transform', 'check', 'summarize', 'notify'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];
export type TaskHandler = (event: unknown) => Promise<unknown>;

export function createHandlers(deps: HandlerDeps): Record<HandlerName, TaskHandler> {
  return {
    plan: createPlanHandler(deps),
    stage: createStageHandler(deps),
    transform: createTransformHandler(deps),
    check: createCheckHandler(deps),
    summarize: createSummarizeHandler(deps),
    notify: createNotifyHandler(deps),
  };
}
