// PipelineAlerts: the stage's alert topic (TLS-only, KMS-encrypted with a key CloudWatch may use,
// optional email subscription) and, per watched pipeline, CloudWatch alarms on failed, timed-out
// and aborted executions, on the SLA (longest execution) and on freshness (no successful run in
// the staleness window, missing data counting as stale), plus a dashboard.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PipelineSpec } from '../pipelines/spec.ts';

export interface PipelineAlertsProps {
  /** Prefix of physical names, e.g. 'redline-dev'. */
  readonly namePrefix: string;
  /**
   * Email address subscribed to the topic (the recipient must confirm it).
   * @default no subscription
   */
  readonly alertEmail?: string;
  /**
   * Period of the failure, timeout, abort and SLA alarms.
   * @default 5 minutes
   */
  readonly alarmPeriod?: Duration;
  /**
   * What happens to the topic's KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The alarms of one pipeline. */
export interface PipelineAlarms {
  readonly failed: cloudwatch.Alarm;
  readonly timedOut: cloudwatch.Alarm;
  readonly aborted: cloudwatch.Alarm;
  readonly sla: cloudwatch.Alarm;
  /** Only for a scheduled pipeline: one run on demand (an initialization) is never stale. */
  readonly freshness?: cloudwatch.Alarm;
}

export class PipelineAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  private readonly props: PipelineAlertsProps;

  constructor(scope: Construct, id: string, props: PipelineAlertsProps) {
    super(scope, id);
    this.props = props;
    this.key = new kms.Key(this, 'Key', {
      description: `${props.namePrefix} alert topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // CloudWatch alarm actions publish as cloudwatch.amazonaws.com, which must be able to use the key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-alerts`,
      displayName: `${props.namePrefix} pipeline alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
  }

  /** Alarms and a dashboard for one pipeline's state machine, all alarms notifying the topic. */
  watch(spec: PipelineSpec, stateMachine: sfn.IStateMachine): PipelineAlarms {
    const scope = new Construct(this, spec.name);
    const period = this.props.alarmPeriod ?? Duration.minutes(5);
    const name = `${this.props.namePrefix}-${spec.name}`;
    const count = (metric: cloudwatch.Metric, what: string, id: string): cloudwatch.Alarm =>
      metric.createAlarm(scope, id, {
        alarmName: `${name}-${id.toLowerCase()}`,
        alarmDescription: `${spec.name}: ${what}`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const slaMs = spec.sla.maxDurationMinutes * 60_000;
    const alarms: PipelineAlarms = {
      failed: count(stateMachine.metricFailed({ period, statistic: 'Sum' }), 'an execution failed', 'Failed'),
      timedOut: count(stateMachine.metricTimedOut({ period, statistic: 'Sum' }), 'an execution timed out', 'TimedOut'),
      aborted: count(stateMachine.metricAborted({ period, statistic: 'Sum' }), 'an execution was aborted', 'Aborted'),
      sla: stateMachine.metricTime({ period, statistic: 'Maximum' }).createAlarm(scope, 'Sla', {
        alarmName: `${name}-sla`,
        alarmDescription: `${spec.name}: an execution took longer than its SLA of ${spec.sla.maxDurationMinutes} minutes`,
        threshold: slaMs,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ...(spec.schedule
        ? {
            freshness: stateMachine
              .metricSucceeded({ period: Duration.hours(spec.sla.maxStalenessHours), statistic: 'Sum' })
              .createAlarm(scope, 'Freshness', {
                alarmName: `${name}-freshness`,
                alarmDescription: `${spec.name}: no successful run in the last ${spec.sla.maxStalenessHours} hours`,
                threshold: 1,
                evaluationPeriods: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
              }),
          }
        : {}),
    };
    const action = new actions.SnsAction(this.topic);
    const all = Object.values(alarms).filter((a): a is cloudwatch.Alarm => a !== undefined);
    for (const alarm of all) alarm.addAlarmAction(action);

    new cloudwatch.Dashboard(scope, 'Dashboard', {
      dashboardName: name,
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({ title: `${spec.name} alarms`, alarms: all, width: 24 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Executions',
            width: 12,
            left: [
              stateMachine.metricSucceeded({ period, statistic: 'Sum' }),
              stateMachine.metricFailed({ period, statistic: 'Sum' }),
              stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
              stateMachine.metricAborted({ period, statistic: 'Sum' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Execution time (ms)',
            width: 12,
            left: [stateMachine.metricTime({ period, statistic: 'Maximum' })],
            leftAnnotations: [{ value: slaMs, label: 'SLA', color: cloudwatch.Color.RED }],
          }),
        ],
      ],
    });
    return alarms;
  }
}
