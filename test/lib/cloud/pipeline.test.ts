// GIVEN the sparkify spec deployed WHEN synthesized THEN its functions, state machine, schedule
// and the exact permissions of every role are what the design promises.
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { HANDLER_NAMES } from '../../../lambdas/handlers/index.ts';
import { REDLINE_PIPELINES } from '../../../lib/pipelines/index.ts';
import { parseDefinitionString } from '../../../lib/local/state-machine-definition.ts';
import { arnOf, logicalId, objectsOf, statementsOfRole, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();
const [pipeline] = stack.pipelines;
if (!pipeline) throw new Error('no pipeline deployed');
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const landing = logicalId(stack.buckets.landing);
const work = logicalId(stack.buckets.work);
const workgroupArn = { 'Fn::GetAtt': [logicalId(stack.warehouse.workgroup), 'Workgroup.WorkgroupArn'] };
/** The sparkify pipeline's function of `handler` (sparkify has sources and no extract). */
const fn = (handler: (typeof HANDLER_NAMES)[number]) => {
  const found = pipeline.functions[handler];
  if (!found) throw new Error(`sparkify has no ${handler} function`);
  return found;
};
const PIPELINE_NAMES = REDLINE_PIPELINES.map((spec) => spec.name);
const SPARKIFY_HANDLERS = HANDLER_NAMES.filter((h) => h !== 'watermarks' && h !== 'extract' && h !== 'flatten' && h !== 'download');
const roleOf = (handler: (typeof HANDLER_NAMES)[number]) => {
  const role = fn(handler).role;
  if (!role) throw new Error(`${handler} has no role`);
  return logicalId(role);
};
/** The log-writing statement every function role starts with. */
const writesOwnLogs = (handler: (typeof HANDLER_NAMES)[number]) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: arnOf(logicalId(fn(handler).logGroup)),
});

describe('Pipeline functions', () => {
  it("GIVEN the seven handlers sparkify's flow uses WHEN synthesized THEN there is one Node 22 arm64 function each, 512 MB, 15 minutes", () => {
    for (const handler of SPARKIFY_HANDLERS) {
      expect(resources[logicalId(fn(handler))]?.Properties).toMatchObject({
        Handler: `index.${handler}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 900,
        LoggingConfig: { LogGroup: { Ref: logicalId(fn(handler).logGroup) } },
      });
    }
  });

  it('GIVEN a function WHEN synthesized THEN it is configured by the REDLINE_* and Powertools variables', () => {
    const variables = (resources[logicalId(fn('stage'))]?.Properties.Environment as { Variables: object }).Variables;
    expect(variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'redline-sparkify',
      REDLINE_PIPELINE: 'sparkify',
      REDLINE_WORKGROUP: 'redline-dev',
      REDLINE_DATABASE: 'redline',
      REDLINE_LANDING_BUCKET: { Ref: landing },
      REDLINE_WORK_BUCKET: { Ref: work },
      REDLINE_COPY_ROLE_ARN: arnOf(logicalId(stack.warehouse.copyRole)),
      REDLINE_ALERT_TOPIC_ARN: { Ref: logicalId(stack.alerts.topic) },
      REDLINE_STATE_MACHINE_ARN: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':stateMachine:redline-dev-sparkify'],
        ],
      },
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('GIVEN the function log groups WHEN synthesized THEN they keep logs for three months', () => {
    for (const handler of SPARKIFY_HANDLERS) {
      expect(resources[logicalId(fn(handler).logGroup)]?.Properties).toEqual({ RetentionInDays: 90 });
    }
  });

  it('GIVEN the function roles WHEN synthesized THEN none carries an AWS managed policy', () => {
    for (const handler of SPARKIFY_HANDLERS) {
      expect(resources[roleOf(handler)]?.Properties.ManagedPolicyArns, handler).toBeUndefined();
    }
  });
});

describe('Pipeline permissions', () => {
  it('GIVEN the plan role WHEN synthesized THEN it lists and reads only the landing prefixes and writes only its manifests', () => {
    expect(statementsOfRole(template, roleOf('plan'))).toEqual([
      writesOwnLogs('plan'),
      {
        Sid: 'ListLandingPrefixes',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: arnOf(landing),
        Condition: { StringLike: { 's3:prefix': ['log_data/*', 'song_data/*'] } },
      },
      {
        Sid: 'ReadLandingPrefixes',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objectsOf(landing, 'log_data/*'), objectsOf(landing, 'song_data/*')],
      },
      {
        Sid: 'ReadWriteManifests',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: objectsOf(work, 'manifests/sparkify/*'),
      },
    ]);
  });

  it('GIVEN a warehouse task role WHEN synthesized THEN it runs statements on the workgroup only and follows them with redshift-data on *', () => {
    for (const handler of ['stage', 'transform', 'clean', 'check', 'summarize'] as const) {
      const manifests =
        handler === 'stage'
          ? [{ Sid: 'ReadWriteManifests', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: objectsOf(work, 'manifests/sparkify/*') }]
          : handler === 'summarize'
            ? [{ Sid: 'WriteRunReport', Effect: 'Allow', Action: 's3:PutObject', Resource: objectsOf(work, 'published/sparkify/*/report.html') }]
            : [];
      expect(statementsOfRole(template, roleOf(handler)), handler).toEqual([
        writesOwnLogs(handler),
        ...manifests,
        {
          Sid: 'RunStatementsOnWorkgroup',
          Effect: 'Allow',
          Action: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
          Resource: workgroupArn,
        },
        { Sid: 'WorkgroupCredentials', Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn },
        {
          Sid: 'FollowOwnStatements',
          Effect: 'Allow',
          Action: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
          Resource: '*',
        },
      ]);
    }
  });

  it('GIVEN the notify role WHEN synthesized THEN it may publish alerts and read the history of its own executions, nothing else', () => {
    expect(statementsOfRole(template, roleOf('notify'))).toEqual([
      writesOwnLogs('notify'),
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(stack.alerts.topic) } },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: arnOf(logicalId(stack.alerts.key)) },
      {
        Sid: 'ReadFailedExecutionHistory',
        Effect: 'Allow',
        Action: 'states:GetExecutionHistory',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:redline-dev-sparkify:*'],
          ],
        },
      },
    ]);
  });

  it('GIVEN a run that fails, times out or is aborted WHEN EventBridge sees its status change THEN notify is invoked, with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: logicalId(pipeline.stateMachine) }] },
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalId(fn('notify'))),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
  });

  it('GIVEN the redrive policy WHEN synthesized THEN it may redrive, describe and list only the pipelines\' executions', () => {
    const arn = (resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'redline-dev-redrive',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RedriveAndInspectExecutions',
            Effect: 'Allow',
            Action: ['states:RedriveExecution', 'states:DescribeExecution', 'states:GetExecutionHistory'],
            Resource: PIPELINE_NAMES.map((p) => arn(`execution:redline-dev-${p}:*`)),
          },
          {
            Sid: 'ListExecutions',
            Effect: 'Allow',
            Action: ['states:ListExecutions', 'states:DescribeStateMachine'],
            Resource: PIPELINE_NAMES.map((p) => arn(`stateMachine:redline-dev-${p}`)),
          },
        ],
      },
    });
  });
});

describe('Pipeline state machine', () => {
  const machine = resources[logicalId(pipeline.stateMachine)]?.Properties ?? {};

  it('GIVEN the state machine WHEN synthesized THEN it logs every event without execution data and traces with X-Ray', () => {
    expect(machine).toMatchObject({
      StateMachineName: 'redline-dev-sparkify',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/redline-dev-sparkify',
      RetentionInDays: 90,
    });
  });

  it('GIVEN the SLA of 30 minutes WHEN synthesized THEN a run times out after twice that', () => {
    const definition = parseDefinitionString(
      JSON.parse(JSON.stringify(machine.DefinitionString).replace(/\{"Fn::GetAtt":\["[^"]+","Arn"\]\}/g, '"arn"')),
    );
    expect(definition.TimeoutSeconds).toBe(3600);
  });
});

describe('Pipeline schedule', () => {
  it('GIVEN the spec schedule WHEN synthesized THEN Scheduler starts the state machine with the scheduled time as runDate', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'redline-dev-sparkify',
      ScheduleExpression: 'cron(0 1 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: logicalId(pipeline.stateMachine) },
        Input: JSON.stringify({ runDate: '<aws.scheduler.scheduled-time>' }),
        RoleArn: Match.anyValue(),
      },
    });
  });

  it('GIVEN the scheduler role WHEN synthesized THEN it may only start this state machine', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0];
    const roleId = (schedule?.Properties.Target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(statementsOfRole(template, roleId)).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: logicalId(pipeline.stateMachine) } },
    ]);
  });
});
