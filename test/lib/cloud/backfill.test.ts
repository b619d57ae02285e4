// GIVEN a deployed pipeline WHEN its backfill state machine is synthesized THEN it maps over the
// input dates with bounded concurrency, runs each date as a pipeline execution to completion,
// records a failed date instead of stopping, and may start only that pipeline.
import { describe, expect, it } from 'vitest';
import { parseDefinitionString } from '../../../lib/local/state-machine-definition.ts';
import { logicalId, statementsOfRole, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();
const [pipeline] = stack.pipelines;
const backfill = template.toJSON().Resources[logicalId(pipeline!.backfill)].Properties as {
  DefinitionString: unknown;
  RoleArn: { 'Fn::GetAtt': [string, string] };
};
const definition = parseDefinitionString(backfill.DefinitionString) as {
  StartAt: string;
  States: Record<string, Record<string, unknown> & { ItemProcessor: { StartAt: string; States: Record<string, Record<string, unknown>> } }>;
};

describe('Backfill state machine', () => {
  it('GIVEN dates WHEN run THEN an inline Map runs one date at a time and keeps every result', () => {
    expect(definition.StartAt).toBe('Each date');
    expect(definition.States['Each date']).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.dates',
      ItemSelector: { 'runDate.$': '$$.Map.Item.Value' },
      MaxConcurrency: 4,
      ResultPath: '$.results',
      End: true,
    });
  });

  it('GIVEN a date WHEN processed THEN the pipeline runs to completion with that run date, and a failure becomes a result row', () => {
    const processor = definition.States['Each date']!.ItemProcessor;
    expect(processor.States['Run date']).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: {
        StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:redline-dev-sparkify',
        Input: { 'runDate.$': '$.runDate' },
      },
      ResultSelector: { 'runDate.$': '$.Input.runDate', 'status.$': '$.Status' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Date failed' }],
    });
    expect(processor.States['Date failed']).toMatchObject({
      Type: 'Pass',
      Parameters: { 'runDate.$': '$.runDate', status: 'FAILED', 'error.$': '$.failure.Error' },
    });
  });

  it('GIVEN its role WHEN synthesized THEN it may start only the pipeline and follow only its executions', () => {
    const statements = statementsOfRole(template, backfill.RoleArn['Fn::GetAtt'][0]) as { Action: string | string[]; Resource: unknown }[];
    const start = statements.find((s) => s.Action === 'states:StartExecution');
    expect(JSON.stringify(start?.Resource)).toContain(':stateMachine:redline-dev-sparkify');
    const follow = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('states:DescribeExecution'));
    expect(JSON.stringify(follow?.Resource)).toContain(':execution:redline-dev-sparkify*');
  });
});
