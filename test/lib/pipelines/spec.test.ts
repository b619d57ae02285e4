import { describe, expect, it } from 'vitest';
import { definePipeline, type PipelineSpecInput } from '../../../lib/pipelines/spec.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { uniqueKey } from '../../../lib/pipelines/checks.ts';

const minimal: PipelineSpecInput = {
  name: 'demo',
  description: 'd',
  schema: 'demo/create.sql',
  sources: [{ table: 'staging_a', prefix: 'a/', format: { kind: 'json', paths: 'auto' } }],
  steps: [{ kind: 'sql', name: 'a', sql: 'demo/a.sql', target: 'a', mode: 'rebuild' }],
  checks: [],
  reportTables: ['a'],
  schedule: 'rate(1 day)',
  sla: { maxDurationMinutes: 10, maxStalenessHours: 25 },
};

describe('definePipeline', () => {
  it('fills Redshift COPY defaults (MAXERROR 0, no gzip, auto time format)', () => {
    const spec = definePipeline(minimal);
    expect(spec.sources[0]).toMatchObject({ maxError: 0, gzip: false, timeFormat: 'auto', blanksAsNull: false });
  });

  it('rejects identifiers that could smuggle SQL and paths outside sql/', () => {
    expect(() => definePipeline({ ...minimal, reportTables: ['a; DROP TABLE users'] })).toThrow();
    expect(() => definePipeline({ ...minimal, steps: [{ kind: 'sql', name: 'a', sql: '../etc/passwd', target: 'a', mode: 'rebuild' }] })).toThrow();
    expect(() => uniqueKey('users', ['id) OR (1=1'])).toThrow();
  });

  it('rejects duplicate steps, the reserved schema step and reports of tables nothing builds', () => {
    expect(() => definePipeline({ ...minimal, steps: [minimal.steps[0]!, minimal.steps[0]!] })).toThrow(/twice/);
    expect(() => definePipeline({ ...minimal, steps: [{ ...minimal.steps[0]!, name: 'schema' }] })).toThrow(/reserved/);
    expect(() => definePipeline({ ...minimal, reportTables: ['b'] })).toThrow(/not built/);
  });

  it('declares sparkify with both sources and the checks the star schema needs', () => {
    expect(sparkify.sources.map((s) => s.table)).toEqual(['staging_events', 'staging_songs']);
    expect(sparkify.sources[0]).toMatchObject({ timeFormat: 'epochmillisecs', format: { kind: 'json', paths: 'sparkify/log_json_path.json' } });
    const names = sparkify.checks.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'songplays_not_empty',
        'users_no_null_keys',
        'songplays_unique_key',
        'artists_unique_key',
        'songplays_user_id_in_users',
        'songplays_start_time_in_time',
      ]),
    );
  });

  it('refuses a cleaning range without bounds and a column both lower-cased and upper-cased', () => {
    const clean = { kind: 'clean', name: 'tidy', table: 'staging_a' } as const;

    expect(() => definePipeline({ ...minimal, steps: [{ ...clean, constraints: [{ rule: 'range', column: 'n' }] }] })).toThrow(/a min, a max or both/);
    expect(() => definePipeline({ ...minimal, steps: [{ ...clean, lowerCase: ['code'], upperCase: ['code'] }] })).toThrow(/not both/);
    expect(definePipeline({ ...minimal, reportTables: ['staging_a'], steps: [{ ...clean, constraints: [{ rule: 'range', column: 'n', min: 0 }] }] }).steps[0]).toMatchObject({ kind: 'clean' });
  });
});
