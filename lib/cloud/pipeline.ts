// Pipeline: one spec, deployed. One Lambda function per handler its flow uses (all from the single
// entry lambdas/aws/entry.ts, bundled locally by esbuild with the sql/ folder beside the bundle)
// and the Step Functions state machine PipelineDefinition builds from the spec, with logging,
// X-Ray tracing and an overall timeout. Each function has its own role holding only what its
// handler does: plan lists the landing prefixes and writes manifests; stage, transform, clean, check
// and summarize drive the workgroup through the Redshift Data API; notify, invoked by an EventBridge
// rule when an execution fails, times out or is aborted, reads that execution's history and
// publishes to the alert topic; watermarks reads the warehouse; extract writes its tables' CSV
// extracts to the landing bucket, and with a source database configured runs in the warehouse VPC
// and reads the database's secret; download, outside any VPC (it fetches from the internet), writes
// exactly its declared landing keys and its records of them, and records itself in the run audit;
// model queries the warehouse and writes its scores file under manifests/ for the warehouse to COPY.
// A spec's job steps run on the stack's EMR Serverless application (SparkJobs); the state machine
// may start job runs there and follow them.
import { BackfillDefinition } from './backfill-definition.ts';
import { staticPrefix } from '../../lambdas/core/partition.ts';
import { downloadRecordKey } from '../../lambdas/core/locations.ts';
import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { PipelineSpec } from '../pipelines/spec.ts';
import { PROJECT_ROOT, SQL_ROOT } from '../local/project-paths.ts';
import { HANDLER_NAMES, type HandlerName } from '../../lambdas/handlers/index.ts';
import { WORK_PREFIXES } from './data-buckets.ts';
import { PipelineDefinition } from './pipeline-definition.ts';
import type { SparkJobs } from './spark-jobs.ts';
import { LOCAL_ESM_BUNDLING } from './lambda-bundling.ts';
import { flatArn } from './nag-findings.ts';
import type { Warehouse } from './warehouse.ts';

/** The one Lambda entry file; its named exports are the handler names. */
export const LAMBDA_ENTRY = join(PROJECT_ROOT, 'lambdas/aws/entry.ts');

/** What each handler touches, hence what its role may do. */
const HANDLER_ACCESS: Readonly<
  Record<
    HandlerName,
    'landing-and-manifests' | 'warehouse' | 'warehouse-and-manifests' | 'warehouse-and-report' | 'alerts' | 'extracts' | 'downloads'
  >
> = {
  plan: 'landing-and-manifests',
  stage: 'warehouse-and-manifests',
  transform: 'warehouse',
  clean: 'warehouse',
  model: 'warehouse-and-manifests',
  check: 'warehouse',
  summarize: 'warehouse-and-report',
  notify: 'alerts',
  watermarks: 'warehouse',
  extract: 'extracts',
  flatten: 'landing-and-manifests',
  publish: 'warehouse',
  download: 'downloads',
};

/**
 * The handlers a spec's flow calls (see PipelineDefinition): staging only with sources, extracting
 * only with an extract, downloading only with downloads, cleaning only with a cleaning step,
 * training only with a model step.
 */
export function handlersUsedBy(spec: PipelineSpec): HandlerName[] {
  return HANDLER_NAMES.filter((handler) => {
    if (handler === 'plan' || handler === 'stage') return spec.sources.length + spec.flattens.length > 0;
    if (handler === 'flatten') return spec.flattens.length > 0;
    if (handler === 'publish') return spec.publish.length > 0;
    if (handler === 'watermarks' || handler === 'extract') return spec.extract !== undefined;
    if (handler === 'download') return spec.downloads.length > 0;
    if (handler === 'clean') return spec.steps.some((s) => s.kind === 'clean');
    if (handler === 'model') return spec.steps.some((s) => s.kind === 'model');
    return true;
  });
}

export interface PipelineProps {
  readonly spec: PipelineSpec;
  /** Prefix of physical names, e.g. 'redline-dev'; the state machine is named `<prefix>-<pipeline>`. */
  readonly namePrefix: string;
  readonly warehouse: Warehouse;
  readonly landingBucket: s3.IBucket;
  readonly workBucket: s3.IBucket;
  /** Topic the notify task publishes failure alerts to. */
  readonly alertTopic: sns.ITopic;
  /**
   * The Lambda entry file.
   * @default lambdas/aws/entry.ts
   */
  readonly entry?: string;
  /**
   * The SQL folder copied beside the bundle as `sql/`.
   * @default the project's sql/ folder
   */
  readonly sqlDir?: string;
  /**
   * Memory of each function, in MB. The tasks mostly wait on the Data API.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of each function; equals PipelineDefinition's task timeout so neither cuts the other off.
   * @default 15 minutes
   */
  readonly functionTimeout?: Duration;
  /**
   * The operational database the spec's extract reads: its secret (RDS format: host, port,
   * username, password, dbname) and the warehouse VPC's Secrets Manager endpoint. The extract
   * function then runs in the VPC's isolated subnets, let into the endpoint; the database must
   * be reachable from that VPC (in it, or peered).
   * @default none: the extract task finds no database, and the sources are read as they landed
   */
  readonly sourceDatabase?: { readonly secret: secretsmanager.ISecret; readonly secretsEndpoint: ec2.IInterfaceVpcEndpoint };
  /**
   * Retention of the function and state machine log groups.
   * @default three months
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where the spec's job steps run (EMR Serverless); the state machine may start and follow job
   * runs there. Required when the spec has a job step.
   * @default none
   */
  readonly sparkJobs?: SparkJobs;
}

export class Pipeline extends Construct {
  readonly spec: PipelineSpec;
  /** `<namePrefix>-<pipeline>`, known at synth time (unlike the state machine's ARN token). */
  readonly stateMachineName: string;
  readonly functions: Readonly<Partial<Record<HandlerName, nodejs.NodejsFunction>>>;
  readonly stateMachine: sfn.StateMachine;
  /** Runs the pipeline over a list of dates: input { "dates": [...] }, output a per-date result table. */
  readonly backfill: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.spec = props.spec;
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const stateMachineName = `${props.namePrefix}-${props.spec.name}`;
    this.stateMachineName = stateMachineName;
    const stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: `redline-${props.spec.name}`,
      REDLINE_PIPELINE: props.spec.name,
      REDLINE_WORKGROUP: props.warehouse.workgroupName,
      REDLINE_DATABASE: props.warehouse.databaseName,
      REDLINE_LANDING_BUCKET: props.landingBucket.bucketName,
      REDLINE_WORK_BUCKET: props.workBucket.bucketName,
      REDLINE_COPY_ROLE_ARN: props.warehouse.copyRole.roleArn,
      REDLINE_ALERT_TOPIC_ARN: props.alertTopic.topicArn,
      // By name, not by reference: the state machine refers to these functions already.
      REDLINE_STATE_MACHINE_ARN: stateMachineArn,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const sqlDir = props.sqlDir ?? SQL_ROOT;
    const bundling: nodejs.BundlingOptions = {
      ...LOCAL_ESM_BUNDLING,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_inputDir: string, outputDir: string) => [`cp -R "${sqlDir}" "${outputDir}/sql"`],
      },
    };

    const functions: Partial<Record<HandlerName, nodejs.NodejsFunction>> = {};
    const used = handlersUsedBy(props.spec);
    for (const handler of used) {
      const inVpc = handler === 'extract' && props.sourceDatabase !== undefined;
      const logGroup = new logs.LogGroup(this, `${handler}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
      const role = new iam.Role(this, `${handler}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `redline ${props.spec.name} ${handler} task`,
      });
      logGroup.grantWrite(role);
      functions[handler] = new nodejs.NodejsFunction(this, `${handler}Function`, {
        entry: props.entry ?? LAMBDA_ENTRY,
        handler,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: props.memorySize ?? 512,
        timeout: props.functionTimeout ?? Duration.minutes(15),
        logGroup,
        role,
        environment: inVpc ? { ...environment, REDLINE_SOURCE_DB_SECRET_ARN: props.sourceDatabase!.secret.secretArn } : environment,
        ...(inVpc ? this.extractNetwork(props) : {}),
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
        bundling,
        description: `redline ${props.spec.name}: ${handler} task`,
      });
      Validations.of(functions[handler]!).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 is the runtime the handlers are built and tested for; moving to a newer one is a deliberate upgrade.',
      });
      this.grantAccess(handler, role, props);
    }
    this.functions = functions;

    const definition = new PipelineDefinition(this, 'Definition', { spec: props.spec, functions, sparkJobs: props.sparkJobs?.target });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition.startState),
      logs: this.executionLogs('StateMachineLogs', stateMachineName, retention),
      tracingEnabled: true,
      timeout: Duration.minutes(2 * props.spec.sla.maxDurationMinutes),
    });
    if (props.sparkJobs && props.spec.steps.some((s) => s.kind === 'job')) props.sparkJobs.grantStartJobRun(this.stateMachine.role);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery ' +
          '(CreateLogDelivery, DescribeResourcePolicies, …) support no resource-level permissions; AWS requires *.',
      },
      ...used.map((h) => ({
        id: `AwsSolutions-IAM5[Resource::${flatArn(functions[h]!)}:*]`,
        reason: `LambdaInvoke may call any version or alias of the ${h} function it was given, and only that function.`,
      })),
    );
    this.backfill = this.backfillStateMachine(stateMachineName, retention);
    this.notifyOnFailure(functions.notify!);
  }

  /**
   * The extract function's place in the warehouse VPC: isolated subnets, its own security group
   * (outbound only), Secrets Manager through an interface endpoint (there is no other way out).
   */
  private extractNetwork(props: PipelineProps): Pick<nodejs.NodejsFunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
    const { vpc } = props.warehouse;
    const securityGroup = new ec2.SecurityGroup(this, 'ExtractSecurityGroup', {
      vpc,
      description: `redline ${props.spec.name} extract: reaches the source database and Secrets Manager`,
      allowAllOutbound: true,
    });
    props.sourceDatabase?.secretsEndpoint.connections.allowDefaultPortFrom(securityGroup, 'extract function reads the source database secret');
    return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [securityGroup] };
  }

  /** Invokes notify with every failed, timed-out or aborted execution of the pipeline. */
  private notifyOnFailure(notify: lambda.IFunction): void {
    new events.Rule(this, 'ExecutionFailed', {
      description: `redline ${this.spec.name}: alert on a failed, timed-out or aborted run`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [new targets.LambdaFunction(notify, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }

  /** ARN pattern of every execution of the state machine named `name`, and its form in cdk-nag findings. */
  private executionsOf(name: string): { arn: string; finding: string } {
    const stack = Stack.of(this);
    const pseudo = (value: string, parameter: string) => (Token.isUnresolved(value) ? `<AWS::${parameter}>` : value);
    return {
      arn: stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      finding: `arn:<AWS::Partition>:states:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:execution:${name}:*`,
    };
  }

  private backfillStateMachine(pipelineName: string, retention: logs.RetentionDays): sfn.StateMachine {
    const name = `${pipelineName}-backfill`;
    const stack = Stack.of(this);
    const pseudo = (value: string, parameter: string) => (Token.isUnresolved(value) ? `<AWS::${parameter}>` : value);
    const backfill = new sfn.StateMachine(this, 'Backfill', {
      stateMachineName: name,
      // The pipeline by its literal name, so the grant names its executions without tokens.
      definitionBody: sfn.DefinitionBody.fromChainable(
        new BackfillDefinition(this, 'BackfillDefinition', {
          pipeline: sfn.StateMachine.fromStateMachineName(this, 'PipelineByName', pipelineName),
        }).startState,
      ),
      logs: this.executionLogs('BackfillLogs', name, retention),
      tracingEnabled: true,
    });
    backfill.node.addDependency(this.stateMachine);
    Validations.of(backfill).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray and CloudWatch Logs delivery support no resource-level permissions; AWS requires *.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:execution:${pipelineName}*]`,
        reason:
          'StartExecution.sync describes and stops the executions it starts; their names are generated per date, ' +
          'so the statement covers the executions of this one pipeline state machine.',
      },
    );
    return backfill;
  }

  private grantAccess(handler: HandlerName, role: iam.Role, props: PipelineProps): void {
    switch (HANDLER_ACCESS[handler]) {
      case 'landing-and-manifests': {
        const prefixes = [...props.spec.sources, ...props.spec.flattens].map((s) => staticPrefix(s.prefix));
        const manifestPrefix = `${WORK_PREFIXES.manifests}${props.spec.name}/`;
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ListLandingPrefixes',
            actions: ['s3:ListBucket'],
            resources: [props.landingBucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
          }),
        );
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadLandingPrefixes',
            actions: ['s3:GetObject'],
            resources: prefixes.map((p) => props.landingBucket.arnForObjects(`${p}*`)),
          }),
        );
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadWriteManifests',
            actions: ['s3:GetObject', 's3:PutObject'],
            resources: [props.workBucket.arnForObjects(`${manifestPrefix}*`)],
          }),
        );
        Validations.of(role).acknowledge(
          ...[
            ...prefixes.map((p) => `${flatArn(props.landingBucket)}/${p}*`),
            `${flatArn(props.workBucket)}/${manifestPrefix}*`,
          ].map((pattern) => ({
            id: `AwsSolutions-IAM5[Resource::${pattern}]`,
            reason:
              'The plan and flatten tasks read the objects under the landing prefixes of the sources and flattens and ' +
              'write manifests, batch lists and flattened rows per run ' +
              'under its own manifests/ prefix; keys are only known at run time, so a wildcard below the fixed prefix is needed.',
          })),
        );
        return;
      }
      case 'warehouse-and-manifests': {
        // The stage task narrows a 'new-files' source's manifest to unloaded files and writes the
        // load-once ledger's CSV, the model task writes its scores CSV, all under the pipeline's
        // manifests/ prefix, for the warehouse to COPY.
        const manifestPrefix = `${WORK_PREFIXES.manifests}${props.spec.name}/`;
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadWriteManifests',
            actions: ['s3:GetObject', 's3:PutObject'],
            resources: [props.workBucket.arnForObjects(`${manifestPrefix}*`)],
          }),
        );
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flatArn(props.workBucket)}/${manifestPrefix}*]`,
          reason:
            "The stage task reads the run's manifests and writes the new-files manifest and ledger CSV, the model task " +
            "its scores CSV, under the pipeline's own manifests/ prefix; keys are only known at run time, so a wildcard " +
            'below the fixed prefix is needed.',
        });
        this.grantWarehouse(role, props);
        return;
      }
      case 'warehouse': {
        this.grantWarehouse(role, props);
        return;
      }
      case 'warehouse-and-report': {
        // The summarize task writes the run's HTML report next to its published result sets.
        const reports = `${WORK_PREFIXES.published}${props.spec.name}/*/report.html`;
        role.addToPolicy(
          new iam.PolicyStatement({ sid: 'WriteRunReport', actions: ['s3:PutObject'], resources: [props.workBucket.arnForObjects(reports)] }),
        );
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flatArn(props.workBucket)}/${reports}]`,
          reason: "The summarize task writes one report.html per run date under the pipeline's published/ prefix; the date is only known at run time.",
        });
        this.grantWarehouse(role, props);
        return;
      }
      case 'extracts': {
        const keys = (props.spec.extract?.tables ?? []).map((t) => t.key);
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'WriteExtracts',
            actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
            resources: keys.map((key) => props.landingBucket.arnForObjects(key)),
          }),
        );
        if (props.sourceDatabase) {
          props.sourceDatabase.secret.grantRead(role);
          role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
          Validations.of(role).acknowledge({
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
            reason: 'A function in a VPC needs to create and delete its network interfaces; this AWS managed policy is exactly that.',
          });
        }
        return;
      }
      case 'downloads': {
        // A templated key is granted as its static prefix and a wildcard; its record likewise.
        const keys = [...new Set(props.spec.downloads.map((d) => (d.key.includes('{') ? `${staticPrefix(d.key)}*` : d.key)))];
        const records = keys.map(downloadRecordKey);
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'FindLandedDownloads',
            actions: ['s3:ListBucket'],
            resources: [props.landingBucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': keys } },
          }),
        );
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'WriteDownloads',
            actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
            resources: keys.map((key) => props.landingBucket.arnForObjects(key)),
          }),
        );
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'FindDownloadRecords',
            actions: ['s3:ListBucket'],
            resources: [props.workBucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': records } },
          }),
        );
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadWriteDownloadRecords',
            actions: ['s3:GetObject', 's3:PutObject'],
            resources: records.map((record) => props.workBucket.arnForObjects(record)),
          }),
        );
        Validations.of(role).acknowledge(
          ...keys
            .filter((key) => key.endsWith('*'))
            .flatMap((key) => [`${flatArn(props.landingBucket)}/${key}`, `${flatArn(props.workBucket)}/${downloadRecordKey(key)}`])
            .map((pattern) => ({
              id: `AwsSolutions-IAM5[Resource::${pattern}]`,
              reason:
                'A download whose key is templated by the run date lands one object per date under the fixed part of its ' +
                'key, and keeps its record under downloads/; the date is only known at run time, so a wildcard is needed there.',
            })),
        );
        this.grantWarehouse(role, props);
        return;
      }
      case 'alerts': {
        props.alertTopic.grantPublish(role);
        const executions = this.executionsOf(this.stateMachineName);
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadFailedExecutionHistory',
            actions: ['states:GetExecutionHistory'],
            resources: [executions.arn],
          }),
        );
        Validations.of(role).acknowledge(
          {
            id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
            reason:
              'Publishing to a KMS-encrypted topic needs kms:GenerateDataKey* (CDK grantPublish), limited to the ' +
              "alert topic's own key.",
          },
          {
            id: `AwsSolutions-IAM5[Resource::${executions.finding}]`,
            reason:
              "The alert names the state that failed, read from the failed execution's history; execution names are " +
              'generated per run, so the statement covers the executions of this one pipeline state machine.',
          },
        );
        return;
      }
    }
  }

  /** Lets a task's role run statements on the workgroup through the Redshift Data API (IAM auth). */
  private grantWarehouse(role: iam.Role, props: PipelineProps): void {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunStatementsOnWorkgroup',
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
        resources: [props.warehouse.workgroupArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WorkgroupCredentials',
        actions: ['redshift-serverless:GetCredentials'],
        resources: [props.warehouse.workgroupArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FollowOwnStatements',
        actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
        resources: ['*'],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'redshift-data DescribeStatement, GetStatementResult and CancelStatement support no resource-level ' +
        'permissions (AWS requires *); the Data API only lets a principal see and cancel its own statements.',
    });
  }

  /** Every state of every execution logged (without its data) to the state machine's own log group. */
  private executionLogs(id: string, stateMachineName: string, retention: logs.RetentionDays): sfn.LogOptions {
    return {
      destination: new logs.LogGroup(this, id, {
        logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
        retention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    };
  }
}
