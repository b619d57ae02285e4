// Warehouse: Amazon Redshift Serverless in a VPC of its own. Three private isolated subnets in
// three AZs (Redshift Serverless needs three), no internet route, an S3 gateway endpoint for
// COPY/UNLOAD under enhanced VPC routing, flow logs. The namespace is encrypted with a rotating
// KMS key, its admin password lives in Secrets Manager (never in code or the template), audit
// logs go to CloudWatch. The default IAM role is what COPY and UNLOAD run as: it reads only the
// landing prefixes the specs declare plus manifests/ and assets/, and writes only published/.
import { Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WORK_PREFIXES } from './data-buckets.ts';
import { flatArn } from './nag-findings.ts';

export interface WarehouseProps {
  /** Lower-case name of the namespace and workgroup, e.g. 'redline-dev'. */
  readonly name: string;
  /** Bucket the raw data lands in. */
  readonly landingBucket: s3.IBucket;
  /** The landing key prefixes COPY may read (every source prefix of every spec). */
  readonly landingPrefixes: readonly string[];
  /** Bucket of manifests/, assets/ and published/. */
  readonly workBucket: s3.IBucket;
  /**
   * Base capacity of the workgroup, in Redshift Processing Units.
   * @default 8 (the smallest Redshift Serverless accepts)
   */
  readonly baseRpu?: number;
  /**
   * RPU-hours the workgroup may use per period before `usageLimitBreachAction` happens.
   * @default 100
   */
  readonly usageLimitRpuHours?: number;
  /**
   * The period `usageLimitRpuHours` applies to: 'daily', 'weekly' or 'monthly'.
   * @default 'monthly'
   */
  readonly usageLimitPeriod?: 'daily' | 'weekly' | 'monthly';
  /**
   * What Redshift Serverless does when the usage limit is reached: 'deactivate' stops running
   * queries (runs then fail and alert), 'emit-metric' or 'log' only record it.
   * @default 'deactivate'
   */
  readonly usageLimitBreachAction?: 'log' | 'emit-metric' | 'deactivate';
  /**
   * Database the pipelines' tables live in.
   * @default 'redline'
   */
  readonly databaseName?: string;
  /**
   * The three availability zones of the VPC.
   * @default the first three AZs of the stack's region (Fn::GetAZs), so the stack stays env-agnostic
   */
  readonly availabilityZones?: readonly string[];
  /**
   * Retention of the VPC flow logs.
   * @default three months
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the KMS key and the namespace when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Audit logs Redshift Serverless exports to CloudWatch Logs. */
export const AUDIT_LOG_EXPORTS = ['userlog', 'connectionlog', 'useractivitylog'] as const;

export class Warehouse extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  readonly key: kms.Key;
  /** The role COPY and UNLOAD run as (the namespace's default IAM role). */
  readonly copyRole: iam.Role;
  readonly namespace: redshiftserverless.CfnNamespace;
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.databaseName = props.databaseName ?? 'redline';

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...(props.availabilityZones ?? [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs())))],
      natGateways: 0,
      subnetConfiguration: [{ name: 'warehouse', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    // No ingress rule at all: the Data API reaches the workgroup through the Redshift service,
    // and the isolated subnets have no route out except the S3 gateway endpoint.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `Redshift Serverless workgroup ${props.name}: no ingress`,
      allowAllOutbound: true,
    });

    this.key = new kms.Key(this, 'Key', {
      description: `Redshift Serverless namespace ${props.name} and its admin secret`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.copyRole = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
      description: `COPY/UNLOAD role of ${props.name}: reads landing prefixes, manifests/, assets/; writes published/`,
    });
    this.grantCopyAccess(props);

    this.namespace = new redshiftserverless.CfnNamespace(this, 'Namespace', {
      namespaceName: props.name,
      dbName: this.databaseName,
      adminUsername: 'redline_admin',
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: this.key.keyArn,
      kmsKeyId: this.key.keyArn,
      iamRoles: [this.copyRole.roleArn],
      defaultIamRoleArn: this.copyRole.roleArn,
      logExports: [...AUDIT_LOG_EXPORTS],
    });
    this.namespace.applyRemovalPolicy(removalPolicy);

    this.workgroup = new redshiftserverless.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: props.name,
      namespaceName: props.name,
      baseCapacity: props.baseRpu ?? 8,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      subnetIds: this.vpc.isolatedSubnets.map((s) => s.subnetId),
      securityGroupIds: [this.securityGroup.securityGroupId],
      configParameters: [
        { parameterKey: 'require_ssl', parameterValue: 'true' },
        { parameterKey: 'enable_user_activity_logging', parameterValue: 'true' },
      ],
    });
    this.workgroup.addResourceDependency(this.namespace);

    this.addUsageLimit(props);
  }

  /** ARN of the workgroup, for Data API and GetCredentials permissions. */
  get workgroupArn(): string {
    return this.workgroup.attrWorkgroupWorkgroupArn;
  }

  get workgroupName(): string {
    return this.workgroup.workgroupName;
  }

  private grantCopyAccess(props: WarehouseProps): void {
    const landingObjects = props.landingPrefixes.map((p) => props.landingBucket.arnForObjects(`${p}*`));
    this.copyRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLandingPrefixes',
        actions: ['s3:GetObject'],
        resources: landingObjects,
      }),
    );
    this.copyRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListLandingPrefixes',
        actions: ['s3:ListBucket'],
        resources: [props.landingBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': props.landingPrefixes.map((p) => `${p}*`) } },
      }),
    );
    this.copyRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadManifestsAndAssets',
        actions: ['s3:GetObject'],
        resources: [WORK_PREFIXES.manifests, WORK_PREFIXES.assets].map((p) => props.workBucket.arnForObjects(`${p}*`)),
      }),
    );
    this.copyRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WritePublished',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [props.workBucket.arnForObjects(`${WORK_PREFIXES.published}*`)],
      }),
    );
    const objectPatterns = [
      ...props.landingPrefixes.map((p) => `${flatArn(props.landingBucket)}/${p}*`),
      ...Object.values(WORK_PREFIXES).map((p) => `${flatArn(props.workBucket)}/${p}*`),
    ];
    Validations.of(this.copyRole).acknowledge(
      ...objectPatterns.map((pattern) => ({
        id: `AwsSolutions-IAM5[Resource::${pattern}]`,
        reason:
          'COPY reads every object under a declared landing prefix (or manifests/, assets/) and UNLOAD writes ' +
          'objects under published/; an object-key wildcard below one fixed prefix is the narrowest grant S3 offers.',
      })),
    );
  }

  /**
   * A Redshift Serverless usage limit on RPU-hours. CloudFormation has no resource for it
   * (AWS::Redshift::UsageLimit is for provisioned clusters), so the CreateUsageLimit and
   * DeleteUsageLimit API calls are made by an AwsCustomResource.
   */
  private addUsageLimit(props: WarehouseProps): void {
    const usageLimit = new cr.AwsCustomResource(this, 'UsageLimit', {
      installLatestAwsSdk: false,
      onCreate: {
        service: 'RedshiftServerless',
        action: 'createUsageLimit',
        parameters: {
          resourceArn: this.workgroupArn,
          usageType: 'serverless-compute',
          amount: props.usageLimitRpuHours ?? 100,
          period: props.usageLimitPeriod ?? 'monthly',
          breachAction: props.usageLimitBreachAction ?? 'deactivate',
        },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('usageLimit.usageLimitId'),
      },
      onDelete: {
        service: 'RedshiftServerless',
        action: 'deleteUsageLimit',
        parameters: { usageLimitId: new cr.PhysicalResourceIdReference() },
        ignoreErrorCodesMatching: 'ResourceNotFoundException',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['redshift-serverless:CreateUsageLimit'], resources: [this.workgroupArn] }),
        new iam.PolicyStatement({ actions: ['redshift-serverless:DeleteUsageLimit'], resources: ['*'] }),
      ]),
    });
    Validations.of(usageLimit).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DeleteUsageLimit is addressed by usage-limit id only, and the id (hence any ARN) is unknown until the ' +
        'limit exists; the statement allows nothing but deleting usage limits.',
    });
    // The provider function is a stack-level singleton shared by every AwsCustomResource.
    const provider = Stack.of(this).node.findChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's AwsCustomResource provider function only writes its own CloudWatch logs through this AWS managed " +
          'policy; its actual work is limited by the customer policy above.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'The AwsCustomResource provider runtime is chosen and upgraded by aws-cdk-lib, not by this project.',
      },
    );
  }
}
