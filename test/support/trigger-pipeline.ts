// A pipeline of SQL steps only for trigger-rule tests: main line a → b → c, and triggered steps
// around it (a compensation of a, cleanups after c, an "always" step). Every step runs the same
// harmless SQL of user-activity-init; tests make chosen steps fail by wrapping the transform handler.
import { registerPipeline } from '../../lib/pipelines/index.ts';
import { definePipeline } from '../../lib/pipelines/spec.ts';

const RESET = { sql: 'user_activity/reset.sql', target: 'activitylog', mode: 'idempotent' } as const;

export const triggerPipeline = registerPipeline(
  definePipeline({
    name: 'trigger-probe',
    description: 'Main line a, b, c with triggered steps for every rule.',
    schema: 'user_activity/create_tables.sql',
    sources: [],
    steps: [
      { kind: 'sql', name: 'a', ...RESET },
      { kind: 'sql', name: 'compensate_a', trigger: 'allFailed', ...RESET },
      { kind: 'sql', name: 'b', ...RESET },
      { kind: 'sql', name: 'c', ...RESET },
      { kind: 'sql', name: 'cleanup_all_failed', trigger: 'allFailed', upstream: ['b', 'c'], ...RESET },
      { kind: 'sql', name: 'alert_one_failed', trigger: 'oneFailed', upstream: ['b', 'c'], ...RESET },
      { kind: 'sql', name: 'always', trigger: 'allDone', ...RESET },
    ],
    checks: [],
    reportTables: ['activitylog'],
    sla: { maxDurationMinutes: 10, maxStalenessHours: 24 },
  }),
);
