// The registry of declared pipelines, by name. Both runtimes resolve specs here.
import type { PipelineSpec } from './spec.ts';
import { assessments } from './assessments.ts';
import { gameEvents } from './game-events.ts';
import { sparkify } from './sparkify.ts';
import { userActivityInit, userActivityReports } from './user-activity.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';

export const pipelines: ReadonlyMap<string, PipelineSpec> = new Map(
  [sparkify, userActivityInit, userActivityReports, assessments, gameEvents].map((spec) => [spec.name, spec]),
);

export function pipelineNamed(name: string): PipelineSpec {
  const spec = pipelines.get(name);
  if (!spec) throw new InvalidInput(`unknown pipeline '${name}'; known: ${[...pipelines.keys()].join(', ')}`);
  return spec;
}
