// Trigger rules resolved from a spec: the main line, where each triggered step sits on it, and
// the failures it runs on.
import { describe, expect, it } from 'vitest';
import { definePipeline, type PipelineSpecInput } from '../../../lib/pipelines/spec.ts';
import { resolveTriggerRules } from '../../../lib/pipelines/trigger-rules.ts';

const STEP = { sql: 'demo/a.sql', target: 'a', mode: 'rebuild' } as const;

function specWith(steps: PipelineSpecInput['steps']) {
  return definePipeline({
    name: 'demo',
    description: 'trigger rules',
    schema: 'demo/schema.sql',
    sources: [],
    steps,
    checks: [],
    reportTables: ['a'],
    sla: { maxDurationMinutes: 1, maxStalenessHours: 1 },
  });
}

describe('resolveTriggerRules', () => {
  it('GIVEN steps without trigger rules WHEN resolved THEN they are all the main line, numbered from 1', () => {
    const resolved = resolveTriggerRules(specWith([{ kind: 'sql', name: 'x', ...STEP }, { kind: 'sql', name: 'y', ...STEP }]));

    expect(resolved.mainLine.map((m) => [m.step.name, m.position])).toEqual([['x', 1], ['y', 2]]);
    expect(resolved.triggered).toEqual([]);
    expect(resolved.afterSteps).toBe(3);
  });

  it('GIVEN triggered steps without upstream WHEN resolved THEN each depends on the main-line step before it (0: the staging)', () => {
    const resolved = resolveTriggerRules(
      specWith([
        { kind: 'sql', name: 'first_cleanup', trigger: 'allFailed', ...STEP },
        { kind: 'sql', name: 'x', ...STEP },
        { kind: 'sql', name: 'undo_x', trigger: 'oneFailed', ...STEP },
      ]),
    );

    expect(resolved.triggered.map((t) => [t.step.name, t.after, t.runsOn])).toEqual([
      ['first_cleanup', 0, { kind: 'failure', atOrBefore: 0 }],
      ['undo_x', 1, { kind: 'failure', atOrBefore: 1 }],
    ]);
  });

  it('GIVEN upstream lists WHEN resolved THEN allFailed runs on a failure up to its first upstream, oneFailed up to its last, allDone always', () => {
    const resolved = resolveTriggerRules(
      specWith([
        { kind: 'sql', name: 'x', ...STEP },
        { kind: 'sql', name: 'y', ...STEP },
        { kind: 'sql', name: 'z', ...STEP },
        { kind: 'sql', name: 'all_failed', trigger: 'allFailed', upstream: ['y', 'z'], ...STEP },
        { kind: 'sql', name: 'one_failed', trigger: 'oneFailed', upstream: ['x', 'y'], ...STEP },
        { kind: 'sql', name: 'done', trigger: 'allDone', ...STEP },
      ]),
    );

    expect(resolved.triggered.map((t) => [t.step.name, t.after, t.runsOn])).toEqual([
      ['all_failed', 3, { kind: 'failure', atOrBefore: 2 }],
      ['one_failed', 3, { kind: 'failure', atOrBefore: 2 }],
      ['done', 3, { kind: 'always' }],
    ]);
  });

  it('GIVEN an upstream that is not a main-line step declared before WHEN the spec is defined THEN it is refused', () => {
    expect(() => specWith([{ kind: 'sql', name: 'undo', trigger: 'allFailed', upstream: ['x'], ...STEP }, { kind: 'sql', name: 'x', ...STEP }])).toThrow(
      /upstream of undo is not a main-line step declared before it: x/,
    );
    expect(() =>
      specWith([
        { kind: 'sql', name: 'x', ...STEP },
        { kind: 'sql', name: 'undo', trigger: 'allFailed', ...STEP },
        { kind: 'sql', name: 'again', trigger: 'allFailed', upstream: ['undo'], ...STEP },
      ]),
    ).toThrow(/not a main-line step/);
    expect(() => specWith([{ kind: 'sql', name: 'x', ...STEP }, { kind: 'sql', name: 'y', upstream: ['x'], ...STEP }])).toThrow(/takes no upstream/);
  });
});
