// RedrivePolicy: a customer-managed IAM policy for the people who re-run failed executions
// (console "Redrive" or `aws stepfunctions redrive-execution`): redrive, describe and read the
// history of the pipelines' executions, and list them. Attach it to their role or group.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { flatResource } from './nag-findings.ts';

export interface RedrivePolicyProps {
  /** Names of the state machines whose executions may be redriven. */
  readonly stateMachineNames: readonly string[];
  /** Name of the managed policy, e.g. 'redline-dev-redrive'. */
  readonly policyName: string;
}

export class RedrivePolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: RedrivePolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string): string =>
      stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executions = props.stateMachineNames.map((name) => arn('execution', `${name}:*`));
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.policyName,
      description: 'Redrive failed redline pipeline executions and inspect them',
      statements: [
        new iam.PolicyStatement({
          sid: 'RedriveAndInspectExecutions',
          actions: ['states:RedriveExecution', 'states:DescribeExecution', 'states:GetExecutionHistory'],
          resources: executions,
        }),
        new iam.PolicyStatement({
          sid: 'ListExecutions',
          actions: ['states:ListExecutions', 'states:DescribeStateMachine'],
          resources: props.stateMachineNames.map((name) => arn('stateMachine', name)),
        }),
      ],
    });
    Validations.of(this.policy).acknowledge(
      ...executions.map((execution) => ({
        id: `AwsSolutions-IAM5[Resource::${flatResource(this, execution)}]`,
        reason:
          'Execution names are generated per run, so the policy names each pipeline state machine and wildcards only ' +
          'the execution name below it.',
      })),
    );
  }
}
