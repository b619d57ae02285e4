import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { failedRunOf, failedStateOf } from '../../../lambdas/aws/execution-failure.ts';

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

let nextId = 0;
function event(type: string, previousEventId: number, name?: string): HistoryEvent {
  nextId += 1;
  return {
    id: nextId,
    previousEventId,
    type: type as HistoryEvent['type'],
    timestamp: new Date(0),
    ...(name ? { stateEnteredEventDetails: { name } } : {}),
  };
}

function statusChange(status: string, extra: Record<string, unknown> = {}) {
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { executionArn: 'arn:aws:states:eu-west-1:1:execution:m:run-1', name: 'run-1', status, startDate: Date.UTC(2018, 10, 5, 1), ...extra },
  };
}

describe('failedStateOf', () => {
  it('GIVEN a branch task of a Parallel failing while its sibling succeeds WHEN read THEN the failing branch task is named', () => {
    nextId = 0;
    const history = [
      event('ExecutionStarted', 0),
      event('ParallelStateEntered', 1, 'Stage sources'),
      event('TaskStateEntered', 2, 'Stage staging_events'),
      event('TaskStateEntered', 2, 'Stage staging_songs'),
      event('LambdaFunctionScheduled', 3),
      event('LambdaFunctionScheduled', 4),
      event('LambdaFunctionFailed', 5),
      event('LambdaFunctionSucceeded', 6),
      event('TaskStateExited', 8, 'Stage staging_songs'),
      event('ParallelStateFailed', 7),
      event('ExecutionFailed', 10),
    ];
    expect(failedStateOf(history)).toBe('Stage staging_events');
  });

  it('GIVEN retried failures before the final one WHEN read THEN the state of the last failure is named', () => {
    nextId = 0;
    const history = [
      event('ExecutionStarted', 0),
      event('TaskStateEntered', 1, 'Build users'),
      event('LambdaFunctionFailed', 2),
      event('TaskStateExited', 3, 'Build users'),
      event('TaskStateEntered', 4, 'Build songs'),
      event('LambdaFunctionScheduled', 5),
      event('LambdaFunctionFailed', 6),
    ];
    expect(failedStateOf(history)).toBe('Build songs');
  });

  it('GIVEN a caught main-line failure and a cleanup that failed after it WHEN read THEN the main-line state is named', () => {
    nextId = 0;
    const history = [
      event('ExecutionStarted', 0),
      event('TaskStateEntered', 1, 'Build songs'),
      event('LambdaFunctionScheduled', 2),
      event('LambdaFunctionFailed', 3),
      event('PassStateEntered', 4, 'Record failure in Build songs'),
      event('TaskStateEntered', 5, 'Build cleanup'),
      event('LambdaFunctionScheduled', 6),
      event('LambdaFunctionFailed', 7),
      event('FailStateEntered', 8, 'Run failed'),
      event('ExecutionFailed', 9),
    ];
    expect(failedStateOf(history)).toBe('Build songs');
  });

  it('GIVEN no failure event (a timeout or an abort) WHEN read THEN the last state entered is named', () => {
    nextId = 0;
    const history = [event('ExecutionStarted', 0), event('WaitStateEntered', 1, 'Wait for data'), event('ExecutionTimedOut', 2)];
    expect(failedStateOf(history)).toBe('Wait for data');
  });
});

describe('failedRunOf', () => {
  it('GIVEN a timed-out scheduled run WHEN read THEN the error is States.Timeout and the run date is the input one', async () => {
    nextId = 0;
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [event('ExecutionStarted', 0), event('TaskStateEntered', 1, 'Plan run')] });

    const run = await failedRunOf(statusChange('TIMED_OUT', { input: '{"runDate":"2018-11-04T01:00:00Z"}' }), 'sparkify', new SFNClient({}));

    expect(run).toEqual({ pipeline: 'sparkify', runId: 'run-1', runDate: '2018-11-04', failedStep: 'Plan run', error: { Error: 'States.Timeout' } });
  });

  it('GIVEN a history longer than one page WHEN read THEN every page is read', async () => {
    nextId = 0;
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [event('ExecutionStarted', 0), event('TaskStateEntered', 1, 'Build time')], nextToken: 'page-2' })
      .resolvesOnce({ events: [event('LambdaFunctionFailed', 2)] });

    const run = await failedRunOf(statusChange('FAILED', { error: 'StatementFailed' }), 'sparkify', new SFNClient({}));

    expect(run.failedStep).toBe('Build time');
    expect(run.runDate).toBe('2018-11-05');
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[1]?.args[0].input.nextToken).toBe('page-2');
  });

  it('GIVEN an event that is not an execution failure WHEN read THEN InvalidInput', async () => {
    await expect(failedRunOf(statusChange('SUCCEEDED'), 'sparkify', new SFNClient({}))).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
