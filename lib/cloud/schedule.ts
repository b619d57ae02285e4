// PipelineSchedule: an EventBridge Scheduler schedule that starts a pipeline's state machine on
// the spec's schedule expression. The execution input is `{ "runDate": <scheduled time> }`:
// Scheduler can only substitute the scheduled time as an ISO-8601 timestamp
// (e.g. 2024-05-01T01:00:00Z), so the handlers take the run date from its first ten characters.
import { TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PipelineSpec } from '../pipelines/spec.ts';

export interface PipelineScheduleProps {
  readonly spec: PipelineSpec;
  readonly stateMachine: sfn.IStateMachine;
  /** Name of the schedule, e.g. 'redline-dev-sparkify'. */
  readonly scheduleName: string;
  /**
   * Whether the schedule starts runs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Time zone the spec's cron expression is read in.
   * @default UTC
   */
  readonly timeZone?: TimeZone;
}

export class PipelineSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: PipelineScheduleProps) {
    super(scope, id);
    const expression = props.spec.schedule;
    if (!expression) throw new Error(`pipeline ${props.spec.name} declares no schedule`);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: props.scheduleName,
      description: `Starts the ${props.spec.name} pipeline: ${expression}`,
      schedule: scheduler.ScheduleExpression.expression(expression, props.timeZone ?? TimeZone.ETC_UTC),
      enabled: props.enabled ?? true,
      target: new targets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ runDate: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
      }),
    });
  }
}
