// RedlineStack: one deployment stage of redline. The data buckets, the Redshift Serverless
// warehouse, the alert topic, the pipeline assets (jsonpaths files) in the work bucket's assets/
// prefix, and for every declared pipeline its functions, state machine, schedule, alarms and
// dashboard; plus the managed policy for redriving failed runs, and the game-events collector (an
// HTTP API whose events Firehose lands in the landing bucket). When a pipeline has job steps: the
// EMR Serverless application they run on (SparkJobs, in the warehouse VPC) and the jobs/ folder
// deployed to the work bucket's assets/jobs/.
import { staticPrefix } from '../../lambdas/core/partition.ts';
import { CfnOutput, DefaultStackSynthesizer, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { pipelines as declaredPipelines } from '../pipelines/index.ts';
import type { JobStepSpec, PipelineSpec } from '../pipelines/spec.ts';
import { JOBS_ROOT, PROJECT_ROOT, SQL_ROOT } from '../local/project-paths.ts';
import { PipelineAlerts } from './alerts.ts';
import { EventCollector, type EventCollectorProps } from './collector.ts';
import { DataBuckets, WORK_PREFIXES } from './data-buckets.ts';
import { Pipeline } from './pipeline.ts';
import { RedrivePolicy } from './redrive-policy.ts';
import { SparkJobs } from './spark-jobs.ts';
import { PipelineSchedule } from './schedule.ts';
import { Warehouse } from './warehouse.ts';
import { flatArn, flatResource } from './nag-findings.ts';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInput } from '../../lambdas/core/errors.ts';

export interface RedlineStackProps extends StackProps {
  /**
   * Deployment stage; part of every physical name (`redline-<stage>-…`).
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * The pipelines to deploy.
   * @default every pipeline in lib/pipelines/index.ts
   */
  readonly pipelines?: readonly PipelineSpec[];
  /**
   * Email address subscribed to the alert topic.
   * @default no subscription
   */
  readonly alertEmail?: string;
  /**
   * Base capacity of the Redshift Serverless workgroup, in RPUs.
   * @default 8
   */
  readonly baseRpu?: number;
  /**
   * The Lambda entry file of the pipeline functions.
   * @default lambdas/aws/entry.ts
   */
  readonly lambdaEntry?: string;
  /**
   * ARN of the Secrets Manager secret (RDS format) of the operational database that pipelines with
   * an extract (user-activity-reports: MySQL) read. Their extract function then runs in the
   * warehouse VPC, which gets a Secrets Manager interface endpoint.
   * @default none: those pipelines read their sources as they land in the landing bucket
   */
  readonly sourceDatabaseSecretArn?: string;
  /**
   * The game-events collector: its settings (throttling, buffering, …), or false to leave it out.
   * @default a collector with EventCollector's defaults
   */
  readonly collector?: false | Omit<EventCollectorProps, 'namePrefix' | 'landingBucket'>;
}

export class RedlineStack extends Stack {
  readonly buckets: DataBuckets;
  readonly warehouse: Warehouse;
  readonly alerts: PipelineAlerts;
  readonly pipelines: readonly Pipeline[];
  /** The game-events collector, unless `collector: false`. */
  readonly collector?: EventCollector;
  /** Where the pipelines' job steps run, when any pipeline has one. */
  readonly sparkJobs?: SparkJobs;

  constructor(scope: Construct, id: string, props: RedlineStackProps = {}) {
    super(scope, id, props);
    const namePrefix = `redline-${props.stage ?? 'dev'}`;
    const specs = props.pipelines ?? [...declaredPipelines.values()];

    this.buckets = new DataBuckets(this, 'Buckets');
    this.warehouse = new Warehouse(this, 'Warehouse', {
      name: namePrefix,
      landingBucket: this.buckets.landing,
      landingPrefixes: [...new Set(specs.flatMap((s) => [...s.sources, ...s.flattens].map((source) => staticPrefix(source.prefix))))],
      workBucket: this.buckets.work,
      baseRpu: props.baseRpu,
    });
    this.alerts = new PipelineAlerts(this, 'Alerts', { namePrefix, alertEmail: props.alertEmail });

    const assets = new s3deploy.BucketDeployment(this, 'PipelineAssets', {
      sources: [s3deploy.Source.asset(SQL_ROOT, { exclude: ['**/*.sql', '**/queries'] })],
      destinationBucket: this.buckets.work,
      destinationKeyPrefix: WORK_PREFIXES.assets,
      // assets/jobs/ is JobAssets' to keep in sync; this deployment must not prune it.
      exclude: [`${JOBS_ASSETS}*`],
    });
    this.acknowledgeAssetDeployment(assets);

    const jobs = specs.flatMap((spec) => spec.steps.filter((step): step is JobStepSpec => step.kind === 'job'));
    let jobAssets: s3deploy.BucketDeployment | undefined;
    if (jobs.length > 0) {
      this.sparkJobs = new SparkJobs(this, 'SparkJobs', {
        applicationName: `${namePrefix}-spark`,
        workBucket: this.buckets.work,
        entryPoints: [...new Set(jobs.map(shippedEntryPoint))],
        vpc: this.warehouse.vpc,
      });
      jobAssets = new s3deploy.BucketDeployment(this, 'JobAssets', {
        // The *.mjs files are the jobs' local stand-ins; only the entry points run in AWS.
        sources: [s3deploy.Source.asset(JOBS_ROOT, { exclude: ['**/*.mjs'] })],
        destinationBucket: this.buckets.work,
        destinationKeyPrefix: `${WORK_PREFIXES.assets}${JOBS_ASSETS}`,
      });
    }

    const sourceDatabaseSecret = props.sourceDatabaseSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SourceDatabaseSecret', props.sourceDatabaseSecretArn)
      : undefined;
    // Closed by default: each extract function's security group is let in on 443, nothing else.
    const secretsEndpoint = sourceDatabaseSecret
      ? this.warehouse.vpc.addInterfaceEndpoint('SecretsManager', {
          service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
          subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          open: false,
        })
      : undefined;

    this.pipelines = specs.map((spec) => {
      const pipeline = new Pipeline(this, `Pipeline-${spec.name}`, {
        spec,
        namePrefix,
        warehouse: this.warehouse,
        landingBucket: this.buckets.landing,
        workBucket: this.buckets.work,
        alertTopic: this.alerts.topic,
        entry: props.lambdaEntry,
        sparkJobs: this.sparkJobs,
        ...(spec.extract && sourceDatabaseSecret && secretsEndpoint
          ? { sourceDatabase: { secret: sourceDatabaseSecret, secretsEndpoint } }
          : {}),
      });
      // A run must find its jsonpaths files in assets/, and its jobs' entry points in assets/jobs/.
      pipeline.node.addDependency(assets);
      if (jobAssets && spec.steps.some((step) => step.kind === 'job')) pipeline.node.addDependency(jobAssets);
      if (spec.schedule) {
        new PipelineSchedule(this, `Schedule-${spec.name}`, {
          spec,
          stateMachine: pipeline.stateMachine,
          scheduleName: pipeline.stateMachineName,
        });
      }
      this.alerts.watch(spec, pipeline.stateMachine);
      new CfnOutput(this, `StateMachineArn-${spec.name}`, {
        description: `State machine of the ${spec.name} pipeline`,
        value: pipeline.stateMachine.stateMachineArn,
      });
      new CfnOutput(this, `BackfillStateMachineArn-${spec.name}`, {
        description: `Backfill of the ${spec.name} pipeline: input {"dates": ["YYYY-MM-DD", ...]}`,
        value: pipeline.backfill.stateMachineArn,
      });
      return pipeline;
    });

    const redrive = new RedrivePolicy(this, 'Redrive', {
      policyName: `${namePrefix}-redrive`,
      stateMachineNames: this.pipelines.map((p) => p.stateMachineName),
    });

    new CfnOutput(this, 'LandingBucketName', { value: this.buckets.landing.bucketName });
    new CfnOutput(this, 'WorkBucketName', { value: this.buckets.work.bucketName });
    new CfnOutput(this, 'WorkgroupName', { value: this.warehouse.workgroupName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'RedrivePolicyArn', { value: redrive.policy.managedPolicyArn });

    if (props.collector !== false) {
      this.collector = new EventCollector(this, 'Collector', { ...props.collector, namePrefix, landingBucket: this.buckets.landing });
      new CfnOutput(this, 'CollectorUrl', { description: 'Base URL of the game-events collector API', value: this.collector.url });
    }
  }

  /** The findings on CDK's BucketDeployment handler (a stack-level singleton), each with its reason. */
  private acknowledgeAssetDeployment(assets: s3deploy.BucketDeployment): void {
    const assetBucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
      '${Qualifier}',
      DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    )
      .replace('${AWS::AccountId}', this.account)
      .replace('${AWS::Region}', this.region);
    const copyWildcards =
      'BucketDeployment copies the sql/ jsonpaths asset from the CDK asset bucket into assets/ and prunes stale ' +
      'files there; CDK grants it read on the asset bucket and read/write/delete on the work bucket.';
    Validations.of(assets.handlerRole).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "The BucketDeployment handler only writes its own CloudWatch logs through this AWS managed policy.",
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: copyWildcards,
      })),
      { id: `AwsSolutions-IAM5[Resource::${flatResource(this, `arn:${this.partition}:s3:::${assetBucket}/*`)}]`, reason: copyWildcards },
      { id: `AwsSolutions-IAM5[Resource::${flatArn(this.buckets.work)}/*]`, reason: copyWildcards },
    );
    const handler = assets.handlerRole.node.scope;
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The BucketDeployment handler runtime is chosen and upgraded by aws-cdk-lib, not by this project.',
      });
    }
  }
}

/** Where the jobs/ folder lands under the work bucket's assets/, as job entry points name it. */
const JOBS_ASSETS = 'jobs/';

/** A job's entry point, which must be a file of the project's jobs/ folder (the folder that is shipped). */
function shippedEntryPoint(job: JobStepSpec): string {
  if (!job.entryPoint.startsWith(JOBS_ASSETS) || !existsSync(join(PROJECT_ROOT, job.entryPoint))) {
    throw new InvalidInput(`job ${job.name}: entry point ${job.entryPoint} is not a file of the project's ${JOBS_ASSETS} folder`);
  }
  return job.entryPoint;
}
