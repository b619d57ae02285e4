// GIVEN the redline stack WHEN synthesized THEN Redshift Serverless runs privately in a three-AZ
// isolated VPC, encrypted, audited, capped, with no password anywhere, and its COPY role can read
// only the declared landing prefixes, manifests/ and assets/, and write only published/.
import { EVENT_TYPE_NAMES, landingKeyPrefix } from '../../../lib/pipelines/game-events/derive.ts';
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { arnOf, logicalId, objectsOf, statementsOfRole, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();
const landing = logicalId(stack.buckets.landing);
const work = logicalId(stack.buckets.work);

/** The landing prefix of each game event type. */
const EVENT_PREFIXES = EVENT_TYPE_NAMES.map(landingKeyPrefix);

describe('Warehouse network', () => {
  it('GIVEN the VPC WHEN synthesized THEN it has three isolated subnets in three distinct AZs and no way out', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(3);
    expect(subnets.map((s) => s.Properties.AvailabilityZone)).toEqual(
      [0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })),
    );
    for (const s of subnets) {
      expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
      expect(s.Properties.Tags).toContainEqual({ Key: 'aws-cdk:subnet-type', Value: 'Isolated' });
    }
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('GIVEN the VPC WHEN synthesized THEN S3 is reached through a gateway endpoint and all traffic is flow-logged', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('GIVEN the workgroup security group WHEN synthesized THEN it allows no ingress at all', () => {
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]?.Properties.SecurityGroupIngress).toBeUndefined();
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('Warehouse Redshift Serverless', () => {
  it('GIVEN the namespace WHEN synthesized THEN Secrets Manager manages the admin password under the KMS key, audit logs are exported', () => {
    const key = arnOf(logicalId(stack.warehouse.key));
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      NamespaceName: 'redline-dev',
      DbName: 'redline',
      ManageAdminPassword: true,
      AdminPasswordSecretKmsKeyId: key,
      KmsKeyId: key,
      DefaultIamRoleArn: arnOf(logicalId(stack.warehouse.copyRole)),
      IamRoles: [arnOf(logicalId(stack.warehouse.copyRole))],
      LogExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    template.hasResource('AWS::RedshiftServerless::Namespace', { DeletionPolicy: 'Retain' });
  });

  it('GIVEN the whole template WHEN searched THEN no admin password is set in it', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('AdminUserPassword');
    expect(text).not.toMatch(/"[A-Za-z]*Password"\s*:\s*"/);
  });

  it('GIVEN the namespace key WHEN synthesized THEN it rotates', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('Redshift Serverless namespace'),
      EnableKeyRotation: true,
    });
  });

  it('GIVEN the workgroup WHEN synthesized THEN it is private, uses enhanced VPC routing, TLS, 8 RPUs and the three subnets', () => {
    template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', {
      WorkgroupName: 'redline-dev',
      NamespaceName: 'redline-dev',
      BaseCapacity: 8,
      PubliclyAccessible: false,
      EnhancedVpcRouting: true,
      SubnetIds: stack.warehouse.vpc.isolatedSubnets.map((s) => ({ Ref: logicalId(s) })),
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(stack.warehouse.securityGroup), 'GroupId'] }],
      ConfigParameters: Match.arrayWith([{ ParameterKey: 'require_ssl', ParameterValue: 'true' }]),
    });
  });

  it('GIVEN a baseRpu of 32 WHEN synthesized THEN the workgroup has that base capacity', () => {
    synthRedline({ baseRpu: 32 }).template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { BaseCapacity: 32 });
  });

  it('GIVEN the usage limit WHEN deployed THEN it caps monthly RPU-hours on the workgroup and deactivates it when reached', () => {
    const [limit] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.stringify(limit?.Properties.Create);
    for (const part of ['RedshiftServerless', 'createUsageLimit', 'serverless-compute', '\\"amount\\":100', 'monthly', 'deactivate']) {
      expect(create).toContain(part);
    }
    expect(create).toContain(logicalId(stack.warehouse.workgroup));
    expect(JSON.stringify(limit?.Properties.Delete)).toContain('deleteUsageLimit');
  });
});

describe('Warehouse COPY role', () => {
  const roleId = logicalId(stack.warehouse.copyRole);

  it('GIVEN the COPY role WHEN synthesized THEN only Redshift can assume it', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'redshift.amazonaws.com' } }],
      },
    });
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('GIVEN the COPY role WHEN synthesized THEN it reads only landing prefixes, manifests/ and assets/ and writes only published/', () => {
    expect(statementsOfRole(template, roleId)).toEqual([
      {
        Sid: 'ReadLandingPrefixes',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          objectsOf(landing, 'log_data/*'),
          objectsOf(landing, 'song_data/*'),
          objectsOf(landing, 'source/user.csv*'),
          objectsOf(landing, 'source/activitylog.csv*'),
          objectsOf(landing, 'uploads/user_upload_dump.*'),
          objectsOf(landing, 'assessments/*'),
          ...EVENT_PREFIXES.map((p) => objectsOf(landing, `${p}*`)),
        ],
      },
      {
        Sid: 'ListLandingPrefixes',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: arnOf(landing),
        Condition: { StringLike: { 's3:prefix': ['log_data/*', 'song_data/*', 'source/user.csv*', 'source/activitylog.csv*', 'uploads/user_upload_dump.*', 'assessments/*', ...EVENT_PREFIXES.map((p) => `${p}*`)] } },
      },
      {
        Sid: 'ReadManifestsAndAssets',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objectsOf(work, 'manifests/*'), objectsOf(work, 'assets/*')],
      },
      {
        Sid: 'WritePublished',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: objectsOf(work, 'published/*'),
      },
    ]);
  });
});
