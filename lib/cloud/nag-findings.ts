// How cdk-nag names the resources in its findings, so an acknowledgement can name the exact
// finding (e.g. 'AwsSolutions-IAM5[Resource::<WorkBucket1234.Arn>/manifests/*]') instead of a
// whole rule. Mirrors cdk-nag's flattening of CloudFormation references: Ref X → <X>,
// Fn::GetAtt [X, Arn] → <X.Arn>, Fn::Join → the joined parts.
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The `<LogicalId.Arn>` cdk-nag prints for `Fn::GetAtt [LogicalId, Arn]` of a construct's resource. */
export function flatArn(construct: IConstruct): string {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).resolve(resource.logicalId) as string}.Arn>`;
}

/** A string (possibly holding tokens) as cdk-nag prints it in a finding. */
export function flatResource(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object') {
    const [key, argument] = Object.entries(node)[0] ?? [];
    if (key === 'Ref') return `<${String(argument)}>`;
    if (key === 'Fn::GetAtt') return `<${(argument as string[]).join('.')}>`;
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
  }
  return JSON.stringify(node);
}
