// GIVEN a pipeline with triggered steps WHEN its definition is synthesized THEN every main-line
// state catches into 'Record failure …' at its position, each failure-triggered step is behind a
// Choice on that position, the allDone step is on the main line's path, and the run ends in a Fail
// state carrying the original error; a pipeline without triggered steps catches nothing.
import { describe, expect, it } from 'vitest';
import { allStates, synthesizeDefinition } from '../../../lib/local/state-machine-definition.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { triggerPipeline } from '../../support/trigger-pipeline.ts';

const definition = synthesizeDefinition(triggerPipeline);
const states = new Map(allStates(definition));

/** The `i`-th entry of a state's list field (Catch, Choices). */
function entryOf(state: string, field: 'Catch' | 'Choices', i: number): unknown {
  return (states.get(state)?.[field] as unknown[] | undefined)?.[i];
}

describe('PipelineDefinition with trigger rules', () => {
  it('GIVEN no triggered steps WHEN synthesized THEN no state catches, so a redrive re-runs the failed task', () => {
    const caught = allStates(synthesizeDefinition(sparkify)).filter(([, state]) => state.Catch !== undefined);

    expect(caught).toEqual([]);
  });

  it('GIVEN main-line states WHEN synthesized THEN each catches every error into the record of its position', () => {
    expect(states.get('Create tables')?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record failure before the steps' }]);
    expect(states.get('Build b')?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record failure in Build b' }]);
    expect(entryOf('Run quality checks', 'Catch', 0)).toMatchObject({ Next: 'Record failure after the steps' });
    expect(entryOf('Summarize run', 'Catch', 0)).toMatchObject({ Next: 'Record failure after the steps' });
    expect(states.get('Record failure in Build b')).toEqual({
      Type: 'Pass',
      Parameters: { position: 2, 'Error.$': '$.failure.Error', 'Cause.$': '$.failure.Cause' },
      ResultPath: '$.failedAt',
      Next: 'Run Build cleanup_all_failed?',
    });
    expect(states.get('Record failure after the steps')?.Next).toBe('Run failed');
  });

  it('GIVEN an allFailed step after a WHEN synthesized THEN it runs only on a failure at or before a, and the main line goes on to b without one', () => {
    expect(states.get('Build a')?.Next).toBe('Run Build compensate_a?');
    expect(states.get('Run Build compensate_a?')).toEqual({
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.failedAt', IsPresent: true }, Next: 'Continue after Build compensate_a?' },
        { Variable: '$.failedAt.position', NumericLessThanEquals: 1, Next: 'Build compensate_a' },
      ],
      Default: 'Continue after Build compensate_a?',
    });
    expect(states.get('Continue after Build compensate_a?')).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.failedAt', IsPresent: true, Next: 'Run Build cleanup_all_failed?' }],
      Default: 'Build b',
    });
  });

  it('GIVEN allFailed and oneFailed on b and c WHEN synthesized THEN allFailed runs on a failure up to b, oneFailed up to c', () => {
    expect(entryOf('Run Build cleanup_all_failed?', 'Choices', 1)).toMatchObject({ NumericLessThanEquals: 2, Next: 'Build cleanup_all_failed' });
    expect(entryOf('Run Build alert_one_failed?', 'Choices', 1)).toMatchObject({ NumericLessThanEquals: 3, Next: 'Build alert_one_failed' });
  });

  it('GIVEN an allDone step WHEN synthesized THEN no Choice guards it, and after it a failed run ends in Run failed, a clean one goes on to the checks', () => {
    expect(states.get('Build alert_one_failed')?.Next).toBe('Build always');
    expect(states.get('Build always')?.Next).toBe('Continue after Build always?');
    expect(states.get('Continue after Build always?')).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.failedAt', IsPresent: true, Next: 'Run failed' }],
      Default: 'Run quality checks',
    });
    expect(states.get('Run failed')).toEqual({ Type: 'Fail', ErrorPath: '$.failedAt.Error', CausePath: '$.failedAt.Cause' });
  });

  it('GIVEN a triggered step that fails WHEN synthesized THEN it keeps a failure already recorded, or records its own just after its place', () => {
    expect(states.get('Build always')?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Build always failed' }]);
    expect(states.get('Build always failed')).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.failedAt', IsPresent: true, Next: 'Continue after Build always?' }],
      Default: 'Record failure in Build always',
    });
    expect(states.get('Record failure in Build always')?.Parameters).toMatchObject({ position: 3.5 });
  });
});
