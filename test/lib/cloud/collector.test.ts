// GIVEN an EventCollector (alone in a stack, or in the redline stack) WHEN synthesized THEN the HTTP
// API has a GET and a POST route for every declared path, its $default stage is throttled and
// access-logged, the delivery stream partitions by event type under the landing prefixes the
// game-events pipeline reads, and every role holds only what it needs.
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { EVENTS_STREAM_VARIABLE } from '../../../lambdas/aws/collector-entry.ts';
import { EVENTS_ERROR_PREFIX, EVENTS_OUTPUT_PREFIX, EventCollector, type EventCollectorProps } from '../../../lib/cloud/collector.ts';
import { EVENT_TYPE_NAMES, landingKeyPrefix, routeTable } from '../../../lib/pipelines/game-events/derive.ts';
import { arnOf, logicalId, objectsOf, statementsOfRole, synthRedline } from './redline-app.ts';

interface Synthesized {
  stack: Stack;
  bucket: s3.Bucket;
  collector: EventCollector;
  template: Template;
}

/** An EventCollector over a landing bucket, in a stack of its own that skips bundling. */
function synthCollector(props: Partial<EventCollectorProps> = {}, bucketProps: s3.BucketProps = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'CollectorTest');
  const bucket = new s3.Bucket(stack, 'Landing', bucketProps);
  const collector = new EventCollector(stack, 'Collector', { namePrefix: 'redline-test', landingBucket: bucket, ...props });
  return { stack, bucket, collector, template: Template.fromStack(stack) };
}

/** The single resource of `type` in the template: its logical id and properties. */
function only(template: Template, type: string): { id: string; properties: Record<string, any>; dependsOn: string[] } {
  const resources = Object.entries(template.findResources(type));
  expect(resources, type).toHaveLength(1);
  const [id, resource] = resources[0]!;
  return { id, properties: resource.Properties, dependsOn: resource.DependsOn ?? [] };
}

describe('EventCollector', () => {
  const synthesized = synthCollector();
  const { template, collector, bucket } = synthesized;
  const bucketId = logicalId(bucket);
  const streamId = logicalId(collector.deliveryStream);
  const functionId = logicalId(collector.function);

  describe('the HTTP API', () => {
    it('GIVEN the declared routes WHEN synthesized THEN every path has a GET and a POST route, and no other route', () => {
      const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
      const expected = [...routeTable().keys()].flatMap((path) => [`GET ${path}`, `POST ${path}`]);

      expect(routeKeys.sort()).toEqual(expected.sort());
      expect(routeKeys).toContain('GET /purchase_a_sword');
      expect(routeKeys).toContain('POST /');
    });

    it('GIVEN the routes WHEN synthesized THEN all go to the collector function through one payload-2.0 Lambda proxy integration', () => {
      const integration = only(template, 'AWS::ApiGatewayV2::Integration');
      expect(integration.properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnOf(functionId),
      });
      for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
        expect(route.Properties.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integration.id }]] });
        expect(route.Properties.AuthorizationType).toBe('NONE');
      }
    });

    it('GIVEN the default limits WHEN synthesized THEN the auto-deployed $default stage throttles at 100 rps with bursts of 200', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    });

    it('GIVEN other limits in the props WHEN synthesized THEN the stage throttles at those', () => {
      synthCollector({ rateLimit: 25, burstLimit: 50 }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
      });
    });

    it('GIVEN the stage WHEN synthesized THEN it logs every request as a JSON line to a log group with a retention', () => {
      const stage = only(template, 'AWS::ApiGatewayV2::Stage');
      const destination = stage.properties.AccessLogSettings.DestinationArn as { 'Fn::GetAtt': [string, string] };
      const logGroupId = destination['Fn::GetAtt'][0];

      expect(template.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
      const format = JSON.parse(stage.properties.AccessLogSettings.Format as string) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    });

    it('GIVEN the API WHEN its url is read THEN it is the $default stage URL', () => {
      expect(synthesized.stack.resolve(collector.url)).toEqual({
        'Fn::Join': ['', ['https://', { Ref: logicalId(collector.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']],
      });
    });
  });

  describe('the delivery stream', () => {
    const stream = only(template, 'AWS::KinesisFirehose::DeliveryStream');
    const destination = stream.properties.ExtendedS3DestinationConfiguration as Record<string, any>;

    it('GIVEN the stream WHEN synthesized THEN it takes direct puts, is encrypted at rest and delivers to the landing bucket', () => {
      expect(stream.properties).toMatchObject({
        DeliveryStreamName: 'redline-test-game-events',
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      });
      expect(destination.BucketARN).toEqual(arnOf(bucketId));
      expect(destination.RoleARN).toEqual(arnOf(logicalId(collector.deliveryRole)));
    });

    it('GIVEN the stream WHEN synthesized THEN it partitions dynamically by event_type, read by a JQ query', () => {
      expect(destination.DynamicPartitioningConfiguration).toEqual({ Enabled: true });
      expect(destination.ProcessingConfiguration).toEqual({
        Enabled: true,
        Processors: [
          {
            Type: 'MetadataExtraction',
            Parameters: [
              { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"event_type":.event_type}' },
              { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
            ],
          },
        ],
      });
    });

    it('GIVEN the stream WHEN synthesized THEN events land by type, day and hour, and failures under events-errors/ by error type and day', () => {
      expect(destination.Prefix).toBe('events/event_type=!{partitionKeyFromQuery:event_type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/');
      expect(destination.ErrorOutputPrefix).toBe('events-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/');
      expect([destination.Prefix, destination.ErrorOutputPrefix]).toEqual([EVENTS_OUTPUT_PREFIX, EVENTS_ERROR_PREFIX]);
    });

    it("GIVEN every event type WHEN its partition is filled in THEN it lies under the type's landing prefix the pipeline reads", () => {
      for (const type of EVENT_TYPE_NAMES) {
        const partition = EVENTS_OUTPUT_PREFIX.replace('!{partitionKeyFromQuery:event_type}', type);
        expect(partition.startsWith(landingKeyPrefix(type)), type).toBe(true);
      }
    });

    it('GIVEN the stream WHEN synthesized THEN it writes gzip JSON-lines objects, buffering 64 MiB or 60 seconds', () => {
      expect(destination).toMatchObject({
        CompressionFormat: 'GZIP',
        FileExtension: '.json.gz',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
      });
    });

    it('GIVEN other buffering in the props WHEN synthesized THEN the stream buffers that much', () => {
      const { template: custom } = synthCollector({ bufferingSize: Size.mebibytes(128), bufferingInterval: Duration.minutes(5) });
      custom.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({ BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 } }),
      });
    });

    it('GIVEN a buffer under the 64 MiB dynamic partitioning needs WHEN synthesized THEN it is refused', () => {
      expect(() => synthCollector({ bufferingSize: Size.mebibytes(1) })).toThrow(/at least 64 MiBs/);
    });

    it('GIVEN the stream WHEN synthesized THEN delivery errors are logged to a log group with a retention', () => {
      const logGroupId = (destination.CloudWatchLoggingOptions as { LogGroupName: { Ref: string } }).LogGroupName.Ref;
      expect(destination.CloudWatchLoggingOptions.Enabled).toBe(true);
      expect(template.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
    });

    it('GIVEN a landing bucket without a KMS key (SSE-S3) WHEN synthesized THEN the stream adds no KMS encryption of its own', () => {
      expect(destination.EncryptionConfiguration).toBeUndefined();
    });

    it("GIVEN a KMS-encrypted landing bucket WHEN synthesized THEN objects are encrypted with the bucket's key, which the role may use", () => {
      const kms = synthCollector({}, { encryption: s3.BucketEncryption.KMS });
      const keyArn = arnOf(logicalId(kms.bucket.encryptionKey!));

      kms.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({ EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } } }),
      });
      expect(statementsOfRole(kms.template, logicalId(kms.collector.deliveryRole))).toContainEqual({
        Sid: 'EncryptEvents',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: keyArn,
      });
    });
  });

  describe('the roles', () => {
    it('GIVEN the collector function WHEN synthesized THEN its role may only put records to this stream and write its own logs', () => {
      const fn = template.toJSON().Resources[functionId];
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const logGroupId = (fn.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;

      expect(statementsOfRole(template, roleId)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(logGroupId) },
        { Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: arnOf(streamId) },
      ]);
      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('GIVEN the collector function WHEN synthesized THEN it runs the collector entry on Node 22 arm64, told the stream name', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: { Variables: Match.objectLike({ [EVENTS_STREAM_VARIABLE]: { Ref: streamId } }) },
      });
    });

    it('GIVEN the delivery role WHEN synthesized THEN it holds what Firehose needs on the bucket and below events/ and events-errors/ only', () => {
      expect(statementsOfRole(template, logicalId(collector.deliveryRole))).toEqual([
        {
          Sid: 'LocateLandingBucket',
          Effect: 'Allow',
          Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: arnOf(bucketId),
        },
        {
          Sid: 'WriteEvents',
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
          Resource: [objectsOf(bucketId, 'events/*'), objectsOf(bucketId, 'events-errors/*')],
        },
        {
          Sid: 'WriteDeliveryErrors',
          Effect: 'Allow',
          Action: 'logs:PutLogEvents',
          Resource: arnOf(logicalId(collector.node.findChild('DeliveryLogs'))),
        },
      ]);
    });

    it('GIVEN the delivery role WHEN synthesized THEN no grant anywhere in the template lets anything delete objects', () => {
      const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
      );
      expect(actions.filter((action) => /^s3:(Delete|\*)/.test(action))).toEqual([]);
    });

    it('GIVEN the delivery role WHEN the stream is created THEN its policy is already in place', () => {
      const policyId = logicalId(collector.node.findChild('DeliveryPolicy'));
      expect(only(template, 'AWS::KinesisFirehose::DeliveryStream').dependsOn).toContain(policyId);
    });
  });
});

describe('RedlineStack with the collector', () => {
  it('GIVEN the default props WHEN synthesized THEN the collector is deployed and its URL is the CollectorUrl output', () => {
    const { stack, template } = synthRedline();

    expect(stack.collector).toBeDefined();
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasOutput('CollectorUrl', { Value: stack.resolve(stack.collector!.url) });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'redline-dev-game-events',
      ExtendedS3DestinationConfiguration: Match.objectLike({ BucketARN: arnOf(logicalId(stack.buckets.landing)) }),
    });
  });

  it('GIVEN collector settings WHEN synthesized THEN they reach the collector', () => {
    synthRedline({ collector: { rateLimit: 10, burstLimit: 20 } }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });

  it('GIVEN collector: false WHEN synthesized THEN there is no API, stream or CollectorUrl output', () => {
    const { stack, template } = synthRedline({ collector: false });

    expect(stack.collector).toBeUndefined();
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    expect(template.findOutputs('CollectorUrl')).toEqual({});
  });
});
