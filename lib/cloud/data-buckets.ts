// DataBuckets: where a deployment's data lives. The landing bucket receives raw source files
// (read-only to redline); the work bucket holds COPY manifests (manifests/), pipeline assets
// such as jsonpaths files (assets/) and UNLOADed results (published/). Both log their access
// to a third bucket.
//
// Encryption is S3-managed (SSE-S3), not KMS: S3 server access logging can only deliver to
// SSE-S3 buckets, Redshift COPY/UNLOAD and the people uploading raw data then need no key
// grants, and there are no per-request KMS charges on the daily full reload. Confidentiality
// rests on BlockPublicAccess, TLS-only bucket policies and least-privilege IAM.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/** Key prefixes of the work bucket; the handlers' `lambdas/core/locations.ts` uses the same. */
export const WORK_PREFIXES = {
  manifests: 'manifests/',
  assets: 'assets/',
  published: 'published/',
} as const;

export interface DataBucketsProps {
  /**
   * What happens to the buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN (data outlives the stack)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long COPY manifests are kept; each run writes its own, they only matter for debugging.
   * @default 30 days
   */
  readonly manifestRetention?: Duration;
  /**
   * How long overwritten or deleted object versions are kept.
   * @default 30 days
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Age after which raw landing objects move to S3 Intelligent-Tiering. Intelligent-Tiering,
   * not Standard-IA: every run re-reads the whole landing prefix, and IA would bill a
   * retrieval fee for each of those reads.
   * @default 30 days
   */
  readonly landingTieringAfter?: Duration;
  /**
   * How long server access logs are kept.
   * @default 365 days
   */
  readonly accessLogRetention?: Duration;
}

export class DataBuckets extends Construct {
  /** Raw source files, under each source's prefix. */
  readonly landing: s3.Bucket;
  /** manifests/, assets/ and published/. */
  readonly work: s3.Bucket;
  /** Server access logs of the other two buckets. */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketsProps = {}) {
    super(scope, id);
    // Grant S3 log delivery through the log bucket's policy rather than an ACL (AWS's advice;
    // the log bucket then keeps ACLs disabled).
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const noncurrentVersionExpiration = props.noncurrentVersionRetention ?? Duration.days(30);
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy,
    } satisfies s3.BucketProps;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-logs', expiration: props.accessLogRetention ?? Duration.days(365) }],
    });

    this.landing = new s3.Bucket(this, 'Landing', {
      ...secure,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'landing/',
      lifecycleRules: [
        { id: 'expire-noncurrent', noncurrentVersionExpiration },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'tier-raw',
          transitions: [
            {
              storageClass: s3.StorageClass.INTELLIGENT_TIERING,
              transitionAfter: props.landingTieringAfter ?? Duration.days(30),
            },
          ],
        },
      ],
    });

    this.work = new s3.Bucket(this, 'Work', {
      ...secure,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'work/',
      lifecycleRules: [
        { id: 'expire-noncurrent', noncurrentVersionExpiration },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'expire-manifests',
          prefix: WORK_PREFIXES.manifests,
          expiration: props.manifestRetention ?? Duration.days(30),
        },
      ],
    });
  }
}
