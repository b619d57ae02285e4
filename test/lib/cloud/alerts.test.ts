// GIVEN the redline stack WHEN synthesized THEN alerts reach one encrypted, TLS-only topic and every
// pipeline has failure, timeout, abort, SLA and freshness alarms wired to it, and a dashboard.
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { logicalId, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();
const topic = { Ref: logicalId(stack.alerts.topic) };
const [pipeline] = stack.pipelines;
if (!pipeline) throw new Error('no pipeline deployed');
const stateMachineDimension = [{ Name: 'StateMachineArn', Value: { Ref: logicalId(pipeline.stateMachine) } }];

describe('PipelineAlerts topic', () => {
  it('GIVEN the topic WHEN synthesized THEN it is KMS-encrypted with a rotating key', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'redline-dev-alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.alerts.key), 'Arn'] },
    });
    expect(template.toJSON().Resources[logicalId(stack.alerts.key)].Properties.EnableKeyRotation).toBe(true);
  });

  it('GIVEN the topic policy WHEN synthesized THEN it denies publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('GIVEN the topic key WHEN synthesized THEN CloudWatch alarms of this account may use it to publish', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('GIVEN no alertEmail WHEN synthesized THEN nobody is subscribed', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('GIVEN an alertEmail WHEN synthesized THEN that address is subscribed by email', () => {
    synthRedline({ alertEmail: 'oncall@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topic,
    });
  });
});

describe('PipelineAlerts alarms', () => {
  const alarm = (suffix: string, properties: Record<string, unknown>) =>
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `redline-dev-sparkify-${suffix}`,
      Namespace: 'AWS/States',
      Dimensions: stateMachineDimension,
      EvaluationPeriods: 1,
      AlarmActions: [topic],
      ...properties,
    });

  it('GIVEN the state machine WHEN synthesized THEN any failed, timed-out or aborted execution in 5 minutes alarms', () => {
    for (const [suffix, metric] of [
      ['failed', 'ExecutionsFailed'],
      ['timedout', 'ExecutionsTimedOut'],
      ['aborted', 'ExecutionsAborted'],
    ]) {
      alarm(suffix!, {
        MetricName: metric,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('GIVEN an SLA of 30 minutes WHEN synthesized THEN an execution longer than 1,800,000 ms alarms', () => {
    alarm('sla', {
      MetricName: 'ExecutionTime',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1_800_000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('GIVEN a staleness window of 26 hours WHEN no execution succeeded in it (or no data at all) THEN the freshness alarm fires', () => {
    alarm('freshness', {
      MetricName: 'ExecutionsSucceeded',
      Statistic: 'Sum',
      Period: 26 * 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('GIVEN four scheduled pipelines and one on demand WHEN synthesized THEN five alarms each, no freshness alarm on demand, a dashboard each', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5 * 4 + 4);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 5);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r) => String(r.Properties.AlarmName));
    expect(names.filter((n) => n.endsWith('-freshness')).sort()).toEqual([
      'redline-dev-assessments-freshness',
      'redline-dev-game-events-freshness',
      'redline-dev-sparkify-freshness',
      'redline-dev-user-activity-reports-freshness',
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'redline-dev-sparkify' });
  });
});
