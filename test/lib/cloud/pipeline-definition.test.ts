// GIVEN a pipeline spec WHEN its definition is synthesized THEN the flow, retries and
// failure behaviour are what the design promises.
import { describe, expect, it } from 'vitest';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { allStates, synthesizeDefinition, type AslState } from '../../../lib/local/state-machine-definition.ts';

const definition = synthesizeDefinition(sparkify);
const states = new Map(allStates(definition));
const state = (name: string): AslState => {
  const found = states.get(name);
  if (!found) throw new Error(`no state ${name}`);
  return found;
};

describe('PipelineDefinition for sparkify', () => {
  it('starts the sensor at attempt 0 and plans the run before anything else', () => {
    expect(definition.StartAt).toBe('Start run');
    expect(state('Start run')).toMatchObject({ Type: 'Pass', Result: { attempt: 0 }, ResultPath: '$.plan', Next: 'Plan run' });
    expect(state('Plan run').Parameters).toMatchObject({ 'attempt.$': '$.plan.attempt' });
    expect(state('Plan run').Next).toBe('Data landed?');
  });

  it('waits the spec poll interval and lists again while the partition is empty (the sensor)', () => {
    expect(state('Data landed?')).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.ready', BooleanEquals: true, Next: 'Create tables' }],
      Default: 'Wait for data',
    });
    expect(state('Wait for data')).toEqual({ Type: 'Wait', Seconds: sparkify.sensor.pollSeconds, Next: 'Plan run' });
  });

  it('once data landed, runs schema, staging, every SQL step in spec order, checks, publishing and summary, then succeeds', () => {
    const path: string[] = [];
    let name: string | undefined = 'Create tables';
    while (name) {
      path.push(name);
      name = state(name).Next as string | undefined;
    }
    expect(path).toEqual([
      'Create tables',
      'Stage sources',
      'Clean events',
      'Build songs',
      'Build artists',
      'Build users',
      'Build songplays',
      'Build time',
      'Build user_activity',
      'Train upgrade_propensity',
      'Run quality checks',
      'Publish results',
      'Summarize run',
      'Succeeded',
    ]);
  });

  it('stages each source in its own parallel branch from the manifest the plan wrote', () => {
    const branches = state('Stage sources').Branches ?? [];
    expect(branches.map((b) => b.StartAt)).toEqual(['Stage staging_events', 'Stage staging_songs']);
    expect(state('Stage staging_events').Parameters).toMatchObject({
      pipeline: 'sparkify',
      table: 'staging_events',
      'manifest.$': '$.plan.manifests.staging_events',
      'runId.$': '$$.Execution.Name',
    });
  });

  it('catches no error anywhere, so a failed run stops in the task that failed and a redrive re-runs that task', () => {
    for (const [name, s] of allStates(definition)) {
      expect(s.Catch, name).toBeUndefined();
      expect(s.Type, name).not.toBe('Fail');
    }
    expect(Object.keys(definition.States)).not.toContain('Notify failure');
  });

  it('retries only transient errors, with backoff and jitter, and gives every task a timeout', () => {
    for (const [name, s] of allStates(definition)) {
      if (s.Type !== 'Task') continue;
      expect(s.TimeoutSeconds, name).toBe(900);
      const retriedErrors = (s.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
      expect(retriedErrors, name).not.toContain('States.ALL');
      expect(retriedErrors, name).not.toContain('DataQualityCheckFailed');
      expect(retriedErrors, name).not.toContain('LoadErrorsExceeded');
      expect(s.Retry, name).toContainEqual({
        ErrorEquals: ['WarehouseThrottled', 'WarehouseUnavailable', 'StatementAborted', 'SerializationConflict', 'DownloadFailed'],
        IntervalSeconds: 5,
        MaxAttempts: 4,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      });
    }
  });

  it('keeps SQL out of the definition: tasks name their step, the handler reads the file', () => {
    expect(JSON.stringify(definition)).not.toMatch(/INSERT|SELECT/i);
    expect(state('Build songplays').Parameters).toMatchObject({ step: 'songplays' });
  });
});
