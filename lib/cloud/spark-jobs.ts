// SparkJobs: where the pipelines' external job steps run in AWS. One EMR Serverless Spark
// application, started by a job's submission, stopped when idle and capped small, in the warehouse
// VPC's isolated subnets behind a security group with no ingress: jobs reach S3 through the VPC's
// gateway endpoint and nothing on the internet. The job runtime role EMR Serverless assumes may
// only read the declared entry points under the work bucket's assets/ and write job logs under
// job-logs/ (the buckets are SSE-S3, so no key grant); a job that reads or writes data is granted
// that on `runtimeRole`. grantStartJobRun gives a state machine what startJobRun.sync needs.
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emrserverless from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WORK_PREFIXES } from './data-buckets.ts';
import { flatArn } from './nag-findings.ts';
import type { SparkJobTarget } from './spark-job-task.ts';

/** Work bucket prefix of the job logs (EMR Serverless writes under applications/<id>/jobs/<run id>/). */
export const JOB_LOGS_PREFIX = 'job-logs/';

/**
 * The EventBridge rule Step Functions manages in the account to learn when an EMR Serverless job
 * run ends (Run a Job, .sync); its name is fixed by Step Functions.
 */
export const SYNC_JOB_RULE = 'StepFunctionsGetEventsForEMRServerlessJobRule';

export interface SparkJobsProps {
  /** Name of the EMR Serverless application, e.g. 'redline-dev-spark'. */
  readonly applicationName: string;
  /** The work bucket: entry points under assets/, job logs under job-logs/. */
  readonly workBucket: s3.IBucket;
  /** The job entry points, as keys under assets/ (e.g. 'jobs/smoke.py'); the runtime role reads only these. */
  readonly entryPoints: readonly string[];
  /** The VPC the jobs run in. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of `vpc` the jobs run in.
   * @default the isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The EMR release (Spark version) of the application.
   * @default 'emr-7.9.0' (Spark 3.5.5)
   */
  readonly releaseLabel?: string;
  /**
   * Most the application may use at once, over all its running jobs; further work waits.
   * @default 16 vCPU, 64 GB of memory, 200 GB of disk (a driver and three executors of EMR Serverless' default size)
   */
  readonly maximumCapacity?: emrserverless.CfnApplication.MaximumAllowedResourcesProperty;
  /**
   * Minutes without a job after which the application stops (and bills nothing until the next job starts it).
   * @default 15
   */
  readonly idleTimeoutMinutes?: number;
}

export class SparkJobs extends Construct {
  readonly application: emrserverless.CfnApplication;
  /** The role EMR Serverless runs the jobs as; grant it what the jobs read and write. */
  readonly runtimeRole: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;
  /** What a pipeline's job steps name: this application, its runtime role and the work bucket's prefixes. */
  readonly target: SparkJobTarget;

  constructor(scope: Construct, id: string, props: SparkJobsProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `EMR Serverless ${props.applicationName}: no ingress; out to S3 through the VPC endpoint`,
      allowAllOutbound: true,
    });
    this.application = new emrserverless.CfnApplication(this, 'Application', {
      name: props.applicationName,
      type: 'SPARK',
      releaseLabel: props.releaseLabel ?? 'emr-7.9.0',
      architecture: 'ARM64',
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: props.idleTimeoutMinutes ?? 15 },
      maximumCapacity: props.maximumCapacity ?? { cpu: '16 vCPU', memory: '64 GB', disk: '200 GB' },
      networkConfiguration: {
        subnetIds: props.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
        securityGroupIds: [this.securityGroup.securityGroupId],
      },
    });

    this.runtimeRole = new iam.Role(this, 'RuntimeRole', {
      assumedBy: new iam.ServicePrincipal('emr-serverless.amazonaws.com'),
      description: `Job runtime role of ${props.applicationName}: reads the job entry points, writes the job logs`,
    });
    if (props.entryPoints.length > 0) {
      this.runtimeRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadEntryPoints',
          actions: ['s3:GetObject'],
          resources: props.entryPoints.map((key) => props.workBucket.arnForObjects(`${WORK_PREFIXES.assets}${key}`)),
        }),
      );
    }
    this.runtimeRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteJobLogs',
        actions: ['s3:PutObject'],
        resources: [props.workBucket.arnForObjects(`${JOB_LOGS_PREFIX}*`)],
      }),
    );
    Validations.of(this.runtimeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flatArn(props.workBucket)}/${JOB_LOGS_PREFIX}*]`,
      reason:
        'EMR Serverless writes each job run\'s logs under job-logs/applications/<application>/jobs/<job run id>/; ' +
        'the job run id is only known at run time, so the role may write anywhere under job-logs/ and nowhere else.',
    });

    this.target = {
      applicationId: this.application.attrApplicationId,
      executionRoleArn: this.runtimeRole.roleArn,
      assetsUri: `s3://${props.workBucket.bucketName}/${WORK_PREFIXES.assets.replace(/\/$/, '')}`,
      logUri: `s3://${props.workBucket.bucketName}/${JOB_LOGS_PREFIX}`,
    };
  }

  /**
   * Lets `role` (a state machine's) run jobs on the application and wait for them (startJobRun.sync):
   * start job runs on this application only, follow and cancel its job runs, pass the runtime role
   * to EMR Serverless only, and manage the EventBridge rule Step Functions uses to learn a run ended.
   */
  grantStartJobRun(role: iam.IRole): void {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        sid: 'StartJobRuns',
        actions: ['emr-serverless:StartJobRun'],
        resources: [this.application.attrArn],
      }),
      new iam.PolicyStatement({
        sid: 'FollowJobRuns',
        actions: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'],
        resources: [`${this.application.attrArn}/jobruns/*`],
      }),
      new iam.PolicyStatement({
        sid: 'PassJobRuntimeRole',
        actions: ['iam:PassRole'],
        resources: [this.runtimeRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'ManageJobRunEventsRule',
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_JOB_RULE })],
      }),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flatArn(this.application)}/jobruns/*]`,
      reason:
        'startJobRun.sync follows (GetJobRun) and on timeout or abort cancels (CancelJobRun) the job run it started, whose ' +
        'id is only known at run time; the statement covers the job runs of this one application.',
    });
  }
}
