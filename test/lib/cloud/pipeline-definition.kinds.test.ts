// GIVEN pipelines of other shapes WHEN their definitions are synthesized THEN the flow has the
// states their specs call for: a flatten Map, an extract before the sensor, no sensor without sources.
import { describe, expect, it } from 'vitest';
import { allStates, synthesizeDefinition } from '../../../lib/local/state-machine-definition.ts';
import { assessments } from '../../../lib/pipelines/assessments.ts';
import { userActivityInit, userActivityReports } from '../../../lib/pipelines/user-activity.ts';

function statesOf(spec: Parameters<typeof synthesizeDefinition>[0]) {
  const definition = synthesizeDefinition(spec);
  return { definition, states: new Map(allStates(definition)) };
}

describe('PipelineDefinition of other pipeline shapes', () => {
  it('GIVEN a flatten WHEN synthesized THEN a Map over the planned batch lists runs one flatten task per batch, a few at once', () => {
    const { definition, states } = statesOf(assessments);
    expect(definition.States['Create tables']?.Next).toBe('Flatten attempts');
    expect(states.get('Flatten attempts')).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.batches.attempts',
      MaxConcurrency: 8,
      ResultPath: '$.flattened.attempts',
      Next: 'Stage sources',
    });
    expect(states.get('Flatten attempts batch')?.Parameters).toMatchObject({ flatten: 'attempts', 'batch.$': '$.batch', 'runDate.$': '$.runDate' });
    const branches = (states.get('Stage sources')?.Branches ?? []).map((b) => b.StartAt);
    expect(branches).toEqual([
      'Stage staging_assessments',
      'Stage staging_assessment_questions',
      'Stage staging_assessment_options',
      'Stage staging_assessment_rejects',
    ]);
  });

  it('GIVEN an extract WHEN synthesized THEN the watermarks pass through the state to the extract, before the sensor', () => {
    const { definition, states } = statesOf(userActivityReports);
    expect(definition.StartAt).toBe('Read watermarks');
    expect(states.get('Read watermarks')).toMatchObject({ ResultPath: '$.watermarks', Next: 'Extract sources' });
    expect(states.get('Extract sources')).toMatchObject({ Next: 'Start run', ResultPath: '$.extracted' });
    expect(states.get('Extract sources')?.Parameters).toMatchObject({ 'watermarks.$': '$.watermarks' });
  });

  it('GIVEN no sources WHEN synthesized THEN the run starts at Create tables, with no sensor and no staging', () => {
    const { definition } = statesOf(userActivityInit);
    expect(definition.StartAt).toBe('Create tables');
    expect(Object.keys(definition.States)).toEqual(['Create tables', 'Build reset', 'Run quality checks', 'Summarize run', 'Succeeded']);
  });
});
