// The registry of declared pipelines, by name. Both runtimes resolve specs here: redline's own
// pipelines, and any a program built on redline registers before it runs or deploys them.
import type { PipelineSpec } from './spec.ts';
import { assessments } from './assessments.ts';
import { gameEvents } from './game-events.ts';
import { sparkify } from './sparkify.ts';
import { userActivityInit, userActivityReports } from './user-activity.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';

/** redline's own pipelines, the seeds' (those registered later are not among them). */
export const REDLINE_PIPELINES: readonly PipelineSpec[] = [sparkify, userActivityInit, userActivityReports, assessments, gameEvents];

const registry = new Map<string, PipelineSpec>(REDLINE_PIPELINES.map((spec) => [spec.name, spec]));

/** Every registered pipeline, by name. */
export const pipelines: ReadonlyMap<string, PipelineSpec> = registry;

/**
 * Adds a pipeline declared outside redline's own (e.g. a team's pipeline, or a test's) so that
 * the handlers, the local runner and the CDK app resolve it by name; a name is registered once.
 */
export function registerPipeline(spec: PipelineSpec): PipelineSpec {
  const known = registry.get(spec.name);
  if (known && known !== spec) throw new InvalidInput(`a pipeline named '${spec.name}' is already registered`);
  registry.set(spec.name, spec);
  return spec;
}

export function pipelineNamed(name: string): PipelineSpec {
  const spec = pipelines.get(name);
  if (!spec) throw new InvalidInput(`unknown pipeline '${name}'; known: ${[...pipelines.keys()].join(', ')}`);
  return spec;
}
