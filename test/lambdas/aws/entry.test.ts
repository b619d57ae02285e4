import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HANDLER_NAMES } from '../../../lambdas/handlers/index.ts';
import { VALID_ENVIRONMENT } from './fixtures.ts';

type EntryModule = typeof import('../../../lambdas/aws/entry.ts');

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
let entry: EntryModule;

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'redline-sparkify-plan',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:redline-sparkify-plan',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/redline-sparkify-plan',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
const event = { pipeline: 'sparkify', runId: 'sparkify-2018-11-02-ab', runDate: '2018-11-02', attempt: 0 };

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  // Test files share a module cache (isolate: false): load the module afresh so its logger sees this level.
  vi.resetModules();
  entry = await import('../../../lambdas/aws/entry.ts');
});

afterEach(() => {
  vi.unstubAllEnvs();
  s3.reset();
  sfn.reset();
  sns.reset();
});

describe('Lambda entry', () => {
  it('GIVEN the entry module WHEN its exports are listed THEN they are exactly the handler names, each a function', () => {
    expect(Object.keys(entry).sort()).toEqual([...HANDLER_NAMES].sort());
    for (const name of HANDLER_NAMES) expect(typeof entry[name]).toBe('function');
  });

  it('GIVEN an environment without the redline variables WHEN a task runs THEN it fails with InvalidEnvironment naming them', async () => {
    for (const name of Object.keys(VALID_ENVIRONMENT)) vi.stubEnv(name, '');

    const failure = entry.plan(event, context);

    await expect(failure).rejects.toMatchObject({ name: 'InvalidEnvironment' });
    await expect(failure).rejects.toThrow(
      'missing environment variable(s): REDLINE_PIPELINE, REDLINE_WORKGROUP, REDLINE_DATABASE, REDLINE_LANDING_BUCKET, REDLINE_WORK_BUCKET, ' +
        'REDLINE_COPY_ROLE_ARN, REDLINE_ALERT_TOPIC_ARN, REDLINE_STATE_MACHINE_ARN',
    );
  });

  it('GIVEN a valid environment WHEN plan runs THEN it lists the landing bucket and writes manifests to the work bucket', async () => {
    for (const [name, value] of Object.entries(VALID_ENVIRONMENT)) vi.stubEnv(name, value);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
      Contents: [{ Key: `${input.Prefix ?? ''}part-1.json`, Size: 42 }],
      IsTruncated: false,
    }));
    s3.on(PutObjectCommand).resolves({});

    const result = await entry.plan(event, context);

    expect(result).toMatchObject({ objects: { staging_events: 1, staging_songs: 1 } });
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Bucket)).toEqual([
      'redline-landing',
      'redline-landing',
    ]);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'redline-work',
      Key: 'manifests/sparkify/sparkify-2018-11-02-ab/staging_events.manifest.json',
      ContentType: 'application/json',
    });
  });

  it('GIVEN a task that throws a named error WHEN it runs THEN the error reaches Lambda unchanged, name included', async () => {
    for (const [name, value] of Object.entries(VALID_ENVIRONMENT)) vi.stubEnv(name, value);

    const failure = entry.stage({ ...event, table: 'no_such_table', manifest: 's3://redline-work/m.json' }, context);

    await expect(failure).rejects.toMatchObject({ name: 'InvalidInput', message: 'pipeline sparkify has no source table no_such_table' });
  });

  it('GIVEN an execution status change of a failed run WHEN notify runs THEN the alert names the state that failed', async () => {
    for (const [name, value] of Object.entries(VALID_ENVIRONMENT)) vi.stubEnv(name, value);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: new Date() },
        { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'Build songplays' } },
        { id: 3, previousEventId: 2, type: 'LambdaFunctionScheduled', timestamp: new Date() },
        { id: 4, previousEventId: 3, type: 'LambdaFunctionFailed', timestamp: new Date() },
        { id: 5, previousEventId: 4, type: 'ExecutionFailed', timestamp: new Date() },
      ],
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const statusChange = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:redline-sparkify:sparkify-2018-11-02-ab',
        stateMachineArn: VALID_ENVIRONMENT.REDLINE_STATE_MACHINE_ARN,
        name: 'sparkify-2018-11-02-ab',
        status: 'FAILED',
        startDate: Date.UTC(2018, 10, 3, 1),
        input: '{"runDate":"2018-11-02"}',
        error: 'StatementFailed',
        cause: '{"errorType":"StatementFailed","errorMessage":"column x does not exist"}',
      },
    };

    await entry.notify(statusChange, context);

    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.Subject).toContain('sparkify 2018-11-02 failed at Build songplays: StatementFailed');
    expect(published?.Message).toContain('column x does not exist');
  });
});
