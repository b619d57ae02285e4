// SQL identifiers come only from specs, and specs only hold strict ones: every identifier of every
// declared pipeline (tables, columns, step targets, staging names, publish names and chart fields,
// extract tables and columns, flatten staging) matches the strict pattern, so the SQL built from them
// needs no quoting; a run's own staging names stay strict whatever its id; and a spec carrying an
// injected identifier anywhere is refused by definePipeline before any SQL exists.
import { describe, expect, it } from 'vitest';
import { runStagingTable, runScopedTables } from '../../lambdas/core/run-staging.ts';
import { pipelines } from '../../lib/pipelines/index.ts';
import { definePipeline, type PipelineSpec, type PipelineSpecInput } from '../../lib/pipelines/spec.ts';

const STRICT_IDENTIFIER = /^[a-z_][a-z0-9_]{0,126}$/;

/** Every SQL identifier a spec declares, with where it is declared. */
function identifiersOf(spec: PipelineSpec): { where: string; name: string }[] {
  return [
    ...spec.sources.flatMap((s) => [{ where: 'source table', name: s.table }, ...(s.columns ?? []).map((name) => ({ where: `column of ${s.table}`, name }))]),
    ...spec.flattens.flatMap((f) => [{ where: 'flatten', name: f.name }, ...Object.values(f.staging).map((name) => ({ where: `staging of ${f.name}`, name }))]),
    ...(spec.extract?.tables ?? []).flatMap((t) => [
      { where: 'extract table', name: t.table },
      ...t.columns.map((name) => ({ where: `extract column of ${t.table}`, name })),
      ...(t.incremental ? [{ where: `watermark column of ${t.table}`, name: t.incremental.column }] : []),
    ]),
    ...spec.steps.flatMap((s) => [{ where: 'step', name: s.name }, ...stepTableIdentifiers(s)]),
    ...spec.publish.flatMap((p) => [
      { where: 'publish', name: p.name },
      ...[p.chart?.x, p.chart?.y, p.chart?.color].filter((f): f is string => f !== undefined).map((name) => ({ where: `chart field of ${p.name}`, name })),
    ]),
    ...spec.reportTables.map((name) => ({ where: 'report table', name })),
  ];
}

/** The tables and columns a step of each kind names. */
function stepTableIdentifiers(step: PipelineSpec['steps'][number]): { where: string; name: string }[] {
  switch (step.kind) {
    case 'sql':
    case 'model':
      return [{ where: `target of ${step.name}`, name: step.target }];
    case 'clean':
      return [
        { where: `table of ${step.name}`, name: step.table },
        ...[...step.trim, ...step.emptyAsNull, ...step.lowerCase, ...step.upperCase, ...(step.dedupe ? [...step.dedupe.key, step.dedupe.latest] : [])].map((name) => ({
          where: `column of ${step.name}`,
          name,
        })),
        ...step.constraints.map((c) => ({ where: `constraint of ${step.name}`, name: c.rule === 'expression' ? c.name : c.column })),
      ];
    case 'job':
      return [];
  }
}

const HOSTILE = 'x; DROP TABLE y';

/** A minimal spec using every place an identifier can go, each with a valid one. */
const PROBE: PipelineSpecInput = {
  name: 'probe',
  description: 'every identifier slot of a spec, filled with a valid identifier',
  schema: 'probe/create_tables.sql',
  sources: [{ table: 'staging_probe', prefix: 'probe/', format: { kind: 'csv', ignoreHeader: 1 }, columns: ['id', 'name'] }],
  flattens: [{ name: 'docs', prefix: 'docs/', flattener: 'assessments', staging: { assessments: 'staging_docs' } }],
  extract: { kind: 'mysql', tables: [{ table: 'probe', columns: ['id', 'name'], key: 'probe/probe.csv', incremental: { column: 'id' } }] },
  steps: [{ kind: 'sql', name: 'build', sql: 'probe/build.sql', target: 'probe', mode: 'rebuild' }],
  checks: [],
  publish: [{ name: 'counts', sql: 'probe/queries/counts.sql', chart: { title: 'Counts', kind: 'stacked-bar', x: 'day', y: 'n', color: 'kind' } }],
  reportTables: ['probe'],
  sla: { maxDurationMinutes: 10, maxStalenessHours: 1 },
};

/** Where an identifier can be injected into a spec: a copy of PROBE with `name` put there. */
const SLOTS: Record<string, (spec: PipelineSpecInput, name: string) => void> = {
  'source table': (spec, name) => (spec.sources[0]!.table = name),
  'source column': (spec, name) => (spec.sources[0]!.columns = ['id', name]),
  'flatten name': (spec, name) => (spec.flattens![0]!.name = name),
  'flatten staging': (spec, name) => (spec.flattens![0]!.staging = { assessments: name }),
  'extract table': (spec, name) => (spec.extract!.tables[0]!.table = name),
  'extract column': (spec, name) => (spec.extract!.tables[0]!.columns = ['id', name]),
  'watermark column': (spec, name) => (spec.extract!.tables[0]!.incremental = { column: name }),
  'step name': (spec, name) => (spec.steps[0]!.name = name),
  'step target': (spec, name) => (spec.steps[0] = { ...sqlStepOf(spec), target: name }),
  'publish name': (spec, name) => (spec.publish![0]!.name = name),
  'chart field': (spec, name) => (spec.publish![0]!.chart!.color = name),
  'report table': (spec, name) => (spec.reportTables = [name]),
};

function sqlStepOf(spec: PipelineSpecInput): Extract<PipelineSpecInput['steps'][number], { kind: 'sql' }> {
  const [step] = spec.steps;
  if (step?.kind !== 'sql') throw new Error('PROBE starts with a SQL step');
  return step;
}

function probeWith(slot: string, name: string): PipelineSpecInput {
  const spec = structuredClone(PROBE);
  SLOTS[slot]!(spec, name);
  return spec;
}

describe('security: SQL identifiers of pipeline specs', () => {
  it.each([...pipelines.values()].map((spec) => [spec.name, spec] as const))(
    'every SQL identifier of %s matches the strict identifier pattern',
    (_name, spec) => {
      const identifiers = identifiersOf(spec);

      expect(identifiers.length).toBeGreaterThan(0);
      for (const { where, name } of identifiers) expect(name, `${spec.name} ${where}`).toMatch(STRICT_IDENTIFIER);
    },
  );

  it("keeps a run's own staging and context table names strict whatever characters its run id holds", () => {
    for (const spec of pipelines.values()) {
      for (const table of runScopedTables(spec)) expect(runStagingTable(table, `o'brien"; DROP TABLE ${table}; --`)).toMatch(STRICT_IDENTIFIER);
    }
  });

  it('accepts the probe spec with a valid identifier in every slot', () => {
    expect(definePipeline(PROBE).name).toBe('probe');
  });

  it.each(Object.keys(SLOTS))('refuses a spec whose %s is an injected identifier', (slot) => {
    expect(() => definePipeline(probeWith(slot, HOSTILE))).toThrow(/identifier/);
  });

  it.each(['Users', '"users"', 'users--', 'user name', '1users', 'ü', 'a'.repeat(128)])('refuses the source table %j', (table) => {
    expect(() => definePipeline(probeWith('source table', table))).toThrow(/identifier/);
  });
});
