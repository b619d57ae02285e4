// GIVEN the redline stack WHEN synthesized THEN its buckets are private, encrypted, TLS-only,
// logged, versioned where they hold data, kept on stack deletion, and expire what they should.
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { logicalId, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();
const ids = {
  landing: logicalId(stack.buckets.landing),
  work: logicalId(stack.buckets.work),
  logs: logicalId(stack.buckets.accessLogs),
};
const bucket = (id: string) => template.toJSON().Resources[id] as { Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('DataBuckets', () => {
  it('GIVEN the stack WHEN synthesized THEN there are exactly three buckets: landing, work and access logs', () => {
    template.resourceCountIs('AWS::S3::Bucket', 3);
  });

  it('GIVEN every bucket WHEN synthesized THEN it blocks all public access, is S3-managed encrypted and retained', () => {
    for (const id of Object.values(ids)) {
      expect(bucket(id).Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      expect(bucket(id).DeletionPolicy, id).toBe('Retain');
    }
  });

  it('GIVEN every bucket WHEN synthesized THEN its policy denies any request not made over TLS', () => {
    for (const id of Object.values(ids)) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('GIVEN the landing and work buckets WHEN synthesized THEN they are versioned and log access to the log bucket', () => {
    for (const [name, id] of [['landing', ids.landing], ['work', ids.work]] as const) {
      expect(bucket(id).Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logs }, LogFilePrefix: `${name}/` },
      });
    }
    expect(bucket(ids.logs).Properties.LoggingConfiguration).toBeUndefined();
  });

  it('GIVEN the log bucket WHEN synthesized THEN S3 log delivery writes through its bucket policy, not ACLs', () => {
    expect(bucket(ids.logs).Properties).toMatchObject({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('GIVEN the lifecycle rules WHEN synthesized THEN manifests and old versions expire and raw data is tiered', () => {
    expect(bucket(ids.work).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'expire-noncurrent', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
        { Id: 'expire-manifests', Status: 'Enabled', Prefix: 'manifests/', ExpirationInDays: 30 },
      ],
    });
    expect(bucket(ids.landing).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'expire-noncurrent', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
        { Id: 'tier-raw', Status: 'Enabled', Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }] },
      ],
    });
    expect(bucket(ids.logs).Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'expire-logs', Status: 'Enabled', ExpirationInDays: 365 }],
    });
  });

  it('GIVEN the pipeline assets (jsonpaths files) WHEN deployed THEN they go to the work bucket under assets/', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: ids.work },
      DestinationBucketKeyPrefix: 'assets/',
    });
  });
});
