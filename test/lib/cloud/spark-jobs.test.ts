// GIVEN the EMR Serverless application job steps run on WHEN synthesized THEN it is small, stops
// when idle and sits in the VPC's isolated subnets with no ingress; its runtime role reads only the
// job entry points and writes only the job logs; a state machine granted startJobRun.sync may start
// job runs on this application only, follow its runs, pass the runtime role to EMR Serverless only
// and manage the one EventBridge rule .sync uses; no action is '*'; cdk-nag finds nothing left.
// And a stack whose pipelines have no job step has none of it (the smoke pipelines this file
// registers are left out of it).
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataBuckets } from '../../../lib/cloud/data-buckets.ts';
import { sparkJobTask } from '../../../lib/cloud/spark-job-task.ts';
import { JOB_LOGS_PREFIX, SparkJobs, SYNC_JOB_RULE } from '../../../lib/cloud/spark-jobs.ts';
import { jobPipelines } from '../../support/job-pipeline.ts';
import { pipelines } from '../../../lib/pipelines/index.ts';
import type { JobStepSpec } from '../../../lib/pipelines/spec.ts';
import { arnOf, logicalId, objectsOf, statementsOfRole, synthRedline } from './redline-app.ts';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('SparkJobs', () => {
  let app: App;
  let stack: Stack;
  let jobs: SparkJobs;
  let buckets: DataBuckets;
  let machine: sfn.StateMachine;
  let vpc: ec2.Vpc;
  let template: Template;

  beforeAll(() => {
    app = new App();
    stack = new Stack(app, 'Jobs', { env: { account: '123456789012', region: 'eu-west-1' } });
    buckets = new DataBuckets(stack, 'Buckets');
    vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    jobs = new SparkJobs(stack, 'SparkJobs', {
      applicationName: 'redline-dev-spark',
      workBucket: buckets.work,
      entryPoints: ['jobs/smoke.py'],
      vpc,
    });
    const job = jobPipelines.succeed.steps.find((s): s is JobStepSpec => s.kind === 'job')!;
    const state = sparkJobTask(stack, 'Run job smoke', { pipeline: jobPipelines.succeed.name, job, target: jobs.target });
    machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(state) });
    jobs.grantStartJobRun(machine.role);
    template = Template.fromStack(stack);
  });

  const application = () => logicalId(jobs.application);
  const applicationArn = () => ({ 'Fn::GetAtt': [application(), 'Arn'] });

  it('GIVEN the application WHEN synthesized THEN it is Spark on a current release, starts on demand, stops when idle and is capped small', () => {
    template.hasResourceProperties('AWS::EMRServerless::Application', {
      Name: 'redline-dev-spark',
      Type: 'SPARK',
      ReleaseLabel: 'emr-7.9.0',
      Architecture: 'ARM64',
      AutoStartConfiguration: { Enabled: true },
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 15 },
      MaximumCapacity: { Cpu: '16 vCPU', Memory: '64 GB', Disk: '200 GB' },
    });
  });

  it('GIVEN the VPC WHEN the application is placed THEN it runs in the isolated subnets behind its own security group with no ingress', () => {
    const isolated = vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId));
    template.hasResourceProperties('AWS::EMRServerless::Application', {
      NetworkConfiguration: {
        SubnetIds: isolated,
        SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(jobs.securityGroup), 'GroupId'] }],
      },
    });
    const group = template.toJSON().Resources[logicalId(jobs.securityGroup)].Properties;
    expect(group.SecurityGroupIngress).toBeUndefined();
  });

  it('GIVEN the job runtime role WHEN synthesized THEN only EMR Serverless assumes it, and it reads the entry points and writes the job logs, nothing else', () => {
    const role = template.toJSON().Resources[logicalId(jobs.runtimeRole)].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'emr-serverless.amazonaws.com' } },
    ]);
    const work = logicalId(buckets.work);
    expect(statementsOfRole(template, logicalId(jobs.runtimeRole))).toEqual([
      { Sid: 'ReadEntryPoints', Effect: 'Allow', Action: 's3:GetObject', Resource: objectsOf(work, 'assets/jobs/smoke.py') },
      { Sid: 'WriteJobLogs', Effect: 'Allow', Action: 's3:PutObject', Resource: objectsOf(work, `${JOB_LOGS_PREFIX}*`) },
    ]);
  });

  it('GIVEN the target WHEN read THEN it names the application, the runtime role, assets/ and job-logs/ of the work bucket', () => {
    const work = logicalId(buckets.work);
    expect(stack.resolve(jobs.target)).toEqual({
      applicationId: { 'Fn::GetAtt': [application(), 'ApplicationId'] },
      executionRoleArn: arnOf(logicalId(jobs.runtimeRole)),
      assetsUri: { 'Fn::Join': ['', ['s3://', { Ref: work }, '/assets']] },
      logUri: { 'Fn::Join': ['', ['s3://', { Ref: work }, '/job-logs/']] },
    });
  });

  it('GIVEN a state machine granted startJobRun.sync WHEN synthesized THEN its role holds exactly what .sync needs, scoped to this application', () => {
    const statements = statementsOfRole(template, logicalId(machine.role)) as Statement[];
    expect(statements).toEqual([
      { Sid: 'StartJobRuns', Effect: 'Allow', Action: 'emr-serverless:StartJobRun', Resource: applicationArn() },
      {
        Sid: 'FollowJobRuns',
        Effect: 'Allow',
        Action: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'],
        Resource: { 'Fn::Join': ['', [applicationArn(), '/jobruns/*']] },
      },
      {
        Sid: 'PassJobRuntimeRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: arnOf(logicalId(jobs.runtimeRole)),
        Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      },
      {
        Sid: 'ManageJobRunEventsRule',
        Effect: 'Allow',
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:123456789012:rule/${SYNC_JOB_RULE}`]] },
      },
    ]);
    expect(SYNC_JOB_RULE).toBe('StepFunctionsGetEventsForEMRServerlessJobRule');
  });

  it("GIVEN every policy of SparkJobs and the granted role WHEN listed THEN no action is '*' or a service wildcard", () => {
    const statements = [logicalId(jobs.runtimeRole), logicalId(machine.role)].flatMap((id) => statementsOfRole(template, id)) as Statement[];
    for (const action of actionsOf(statements)) expect(action).not.toMatch(/\*/);
  });

  it('GIVEN the state machine WHEN synthesized THEN its job state starts job runs on the application with the runtime role', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('startJobRun\\.sync')])]) }),
    });
  });

  it('GIVEN cdk-nag (AwsSolutions) WHEN it checks SparkJobs and the granted role THEN nothing is left unacknowledged', () => {
    const ours = [jobs.node.path, machine.role.node.path];
    const report = new AwsSolutionsChecks().validateScope(app);
    const left = report.violations
      .filter((v) => v.violatingResources.some((r) => ours.some((path) => (r.constructPath ?? '').startsWith(path))))
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(left).toEqual([]);
  });
});

describe('RedlineStack without job steps', () => {
  it('GIVEN pipelines with no job step WHEN synthesized THEN there is no EMR Serverless application and no job assets, and assets/jobs/ is never pruned', () => {
    const withoutJobs = [...pipelines.values()].filter((spec) => !spec.steps.some((step) => step.kind === 'job'));
    const { stack, template } = synthRedline({ pipelines: withoutJobs });
    expect(stack.sparkJobs).toBeUndefined();
    template.resourceCountIs('AWS::EMRServerless::Application', 0);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'assets/', Exclude: ['jobs/*'] });
  });
});
