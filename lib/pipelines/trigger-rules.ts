// Trigger rules, resolved: which of a pipeline's steps are its main line and which run by a rule
// other than allSuccess ("triggered" steps), and for each triggered step the failures it runs on.
// The flow is a line, so a run's failure is one point on it: every main-line step before that
// point succeeded, the one there failed, and those after it did not run (upstream failed).
// Positions number that line: 0 is everything before the steps (downloads, staging, …), 1..M
// the main-line steps, M + 1 everything after them (checks, publish, summary). A triggered step
// that fails itself is a failure at its place plus ½: after the main-line steps before it.
import type { PipelineSpec, StepSpec } from './spec.ts';

/** A step of the main line and its position on it (1-based). */
export interface MainLineStep {
  readonly step: StepSpec;
  readonly position: number;
}

/** A step with a trigger rule other than allSuccess, placed after the main-line step at `after`. */
export interface TriggeredStep {
  readonly step: StepSpec;
  /** Position of the main-line step declared before it; 0 when none is. */
  readonly after: number;
  /**
   * Which failures it runs on: 'always' (allDone), or a failure at a position ≤ `atOrBefore`
   * (allFailed: its first upstream step failed or did not run; oneFailed: its last one did).
   */
  readonly runsOn: { readonly kind: 'always' } | { readonly kind: 'failure'; readonly atOrBefore: number };
}

export interface ResolvedSteps {
  readonly mainLine: readonly MainLineStep[];
  readonly triggered: readonly TriggeredStep[];
  /** The position of whatever follows the steps (checks, publish, summary). */
  readonly afterSteps: number;
}

/** Splits a spec's steps into its main line and its triggered steps (spec.ts has checked the upstream names). */
export function resolveTriggerRules(spec: Pick<PipelineSpec, 'steps'>): ResolvedSteps {
  const mainLine: MainLineStep[] = [];
  const triggered: TriggeredStep[] = [];
  for (const step of spec.steps) {
    if (step.trigger === 'allSuccess') {
      mainLine.push({ step, position: mainLine.length + 1 });
      continue;
    }
    const after = mainLine.length;
    const upstream = step.upstream?.map((name) => positionOf(mainLine, name)) ?? [after];
    triggered.push({ step, after, runsOn: runsOn(step.trigger, upstream) });
  }
  return { mainLine, triggered, afterSteps: mainLine.length + 1 };
}

function runsOn(trigger: Exclude<StepSpec['trigger'], 'allSuccess'>, upstream: readonly number[]): TriggeredStep['runsOn'] {
  switch (trigger) {
    case 'allDone':
      return { kind: 'always' };
    case 'allFailed':
      return { kind: 'failure', atOrBefore: Math.min(...upstream) };
    case 'oneFailed':
      return { kind: 'failure', atOrBefore: Math.max(...upstream) };
  }
}

function positionOf(mainLine: readonly MainLineStep[], name: string): number {
  const found = mainLine.find((m) => m.step.name === name);
  if (!found) throw new Error(`step ${name} is not on the main line before the step that names it`);
  return found.position;
}
