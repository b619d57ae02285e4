// EventCollector: the game API in the cloud. An API Gateway HTTP API with a GET and a POST route for
// every path the game-event declaration names (lib/pipelines/game-events/), throttled at its $default
// stage and access-logged, all integrated with one Lambda function (lambdas/aws/collector-entry.ts,
// bundled locally by esbuild like the pipeline functions), which validates and enriches each event and
// puts it to a Firehose delivery stream. The stream lands the events in the landing bucket as gzip JSON
// lines, partitioned dynamically by event type (a JQ query reads .event_type), under
//   events/event_type=<type>/dt=YYYY-MM-DD/hour=HH/
// which is where the game-events pipeline's sources (landingKeyPrefix) look.
//
// The delivery stream is the L2 DeliveryStream with an S3Bucket destination and a MetadataExtraction
// processor. Its role is handed to the L2 without policy updates: the L2's own grant is read/write
// (delete included) on the whole bucket, and the landing bucket holds every pipeline's raw sources.
// This construct grants the role exactly what AWS documents Firehose needs for an S3 destination,
// limited to the events/ and events-errors/ prefixes, plus its error log and the bucket's KMS key
// (when the bucket has one). The collector function's role may only put records to this one stream
// and write its own logs.
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LOCAL_ESM_BUNDLING } from './lambda-bundling.ts';
import { join } from 'node:path';
import { routeTable } from '../pipelines/game-events/derive.ts';
import { PROJECT_ROOT } from '../local/project-paths.ts';
import { flatResource } from './nag-findings.ts';

/** The collector's Lambda entry file; its `handler` export answers the HTTP API. */
export const COLLECTOR_ENTRY = join(PROJECT_ROOT, 'lambdas/aws/collector-entry.ts');

/** Where the stream lands events: one partition per event type, day and hour of arrival (UTC). */
export const EVENTS_OUTPUT_PREFIX = 'events/event_type=!{partitionKeyFromQuery:event_type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';

/** Where the stream lands records it could not deliver or partition, by error type and day. */
export const EVENTS_ERROR_PREFIX = 'events-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/';

/** The variable naming the delivery stream, as lambdas/aws/collector-entry.ts reads it (EVENTS_STREAM_VARIABLE). */
const EVENTS_STREAM_VARIABLE = 'REDLINE_EVENTS_STREAM';

/** The static part of each prefix: what the stream's role may write under. */
const WRITTEN_PREFIXES = ['events/', 'events-errors/'] as const;

/** One line of JSON per request in the access log, from HTTP API $context variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export interface EventCollectorProps {
  /** Prefix of physical names, e.g. 'redline-dev'; the API is `<prefix>-collector`, the stream `<prefix>-game-events`. */
  readonly namePrefix: string;
  /** The bucket events land in (its KMS key, if it has one, encrypts them). */
  readonly landingBucket: s3.IBucket;
  /**
   * Steady-state requests per second the API's $default stage lets through (over it: 429).
   * @default 100
   */
  readonly rateLimit?: number;
  /**
   * Requests the API's $default stage lets through in a burst above the rate.
   * @default 200
   */
  readonly burstLimit?: number;
  /**
   * The collector's Lambda entry file (exporting `handler`).
   * @default lambdas/aws/collector-entry.ts
   */
  readonly entry?: string;
  /**
   * Memory of the collector function, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * How much the stream buffers before it writes an object. Dynamic partitioning needs 64 to 128 MiB.
   * @default 64 MiB
   */
  readonly bufferingSize?: Size;
  /**
   * How long the stream buffers before it writes an object. Dynamic partitioning needs 60 to 900 seconds.
   * @default 60 seconds
   */
  readonly bufferingInterval?: Duration;
  /**
   * Retention of the function, access and delivery-error log groups.
   * @default three months
   */
  readonly logRetention?: logs.RetentionDays;
}

export class EventCollector extends Construct {
  readonly api: apigwv2.HttpApi;
  /** The $default stage: throttled and access-logged. */
  readonly stage: apigwv2.HttpStage;
  readonly function: nodejs.NodejsFunction;
  readonly deliveryStream: firehose.DeliveryStream;
  /** The role the delivery stream writes to the landing bucket with. */
  readonly deliveryRole: iam.Role;
  /** The API's base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/ */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EventCollectorProps) {
    super(scope, id);
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const logGroup = (logId: string) => new logs.LogGroup(this, logId, { retention, removalPolicy: RemovalPolicy.DESTROY });

    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: `redline ${props.namePrefix} game events delivery: writes events/ and events-errors/ of the landing bucket`,
    });
    const deliveryLogs = logGroup('DeliveryLogs');
    const deliveryPolicy = this.deliveryPolicy(props.landingBucket, deliveryLogs);
    this.deliveryStream = new firehose.DeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: `${props.namePrefix}-game-events`,
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(props.landingBucket, {
        role: this.deliveryRole.withoutPolicyUpdates(),
        dynamicPartitioning: { enabled: true },
        processors: [firehose.MetadataExtractionProcessor.jq16({ event_type: '.event_type' })],
        dataOutputPrefix: EVENTS_OUTPUT_PREFIX,
        errorOutputPrefix: EVENTS_ERROR_PREFIX,
        fileExtension: '.json.gz',
        compression: firehose.Compression.GZIP,
        bufferingSize: props.bufferingSize ?? Size.mebibytes(64),
        bufferingInterval: props.bufferingInterval ?? Duration.seconds(60),
        ...(props.landingBucket.encryptionKey ? { encryptionKey: props.landingBucket.encryptionKey } : {}),
        loggingConfig: new firehose.EnableLogging(deliveryLogs),
      }),
    });
    // The stream is created only once its role holds the policy, so no delivery is tried without it.
    this.deliveryStream.node.addDependency(deliveryPolicy);
    // Reported on the stack, where aws-cdk-lib puts the mapping; it can be acknowledged only there.
    Validations.of(Stack.of(this)).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason:
        "aws-cdk-lib's DeliveryStream always adds the Firehose CIDR block mapping for its `connections`, which only " +
        'VPC destinations use; this stream delivers to S3, so the mapping stays unreferenced.',
    });

    this.function = this.collectorFunction(props, logGroup('FunctionLogs'));

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${props.namePrefix}-collector`,
      description: `redline ${props.namePrefix}: the game API collecting game events`,
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 100, burstLimit: props.burstLimit ?? 200 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(logGroup('AccessLogs')), format: ACCESS_LOG_FORMAT },
    });
    const integration = new HttpLambdaIntegration('Collect', this.function);
    const routes = [...routeTable().keys()].flatMap((path) =>
      this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration }),
    );
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The game API is public like the game it serves: game clients send events without credentials. Each event is ' +
          'validated against its declared type, bodies are capped at 64 KiB and the stage is throttled.',
      });
    }
    this.url = this.stage.url;
  }

  /** The collector function: its own role, allowed to put records to the stream and write its logs. */
  private collectorFunction(props: EventCollectorProps, logGroup: logs.LogGroup): nodejs.NodejsFunction {
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `redline ${props.namePrefix} collector: puts game events to the delivery stream`,
    });
    logGroup.grantWrite(role);
    this.deliveryStream.grants.putRecords(role);
    const fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry ?? COLLECTOR_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: Duration.seconds(10),
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'redline-collector',
        [EVENTS_STREAM_VARIABLE]: this.deliveryStream.deliveryStreamName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: LOCAL_ESM_BUNDLING,
      description: `redline ${props.namePrefix}: game-events collector`,
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the collector is built and tested for; moving to a newer one is a deliberate upgrade.',
    });
    return fn;
  }

  /**
   * What Firehose needs to deliver to S3 (AWS's documented list), on the bucket and below the two
   * prefixes it writes; its error log; and the bucket's key, if it has one.
   */
  private deliveryPolicy(bucket: s3.IBucket, deliveryLogs: logs.LogGroup): iam.Policy {
    const statements = [
      new iam.PolicyStatement({
        sid: 'LocateLandingBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'WriteEvents',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: WRITTEN_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
      new iam.PolicyStatement({
        sid: 'WriteDeliveryErrors',
        actions: ['logs:PutLogEvents'],
        resources: [deliveryLogs.logGroupArn],
      }),
    ];
    if (bucket.encryptionKey) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'EncryptEvents',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [bucket.encryptionKey.keyArn],
        }),
      );
    }
    const policy = new iam.Policy(this, 'DeliveryPolicy', { roles: [this.deliveryRole], statements });
    Validations.of(policy).acknowledge(
      ...WRITTEN_PREFIXES.map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::${flatResource(this, bucket.arnForObjects(`${prefix}*`))}]`,
        reason:
          'Firehose names every object it writes (partition, time and a random id), so its role may write any key below ' +
          'the fixed prefix of its own events or delivery errors, and nowhere else in the landing bucket.',
      })),
    );
    return policy;
  }
}
