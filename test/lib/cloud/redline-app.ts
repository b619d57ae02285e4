// Test fixture: a RedlineStack in a fresh App, synthesized without bundling (the template is the
// same; the local esbuild run is exercised by the `cdk synth` test). Uses the real Lambda entry
// when it exists and a stand-in with the same exports while it does not. It deploys redline's own
// pipelines unless told otherwise, whatever other tests have registered.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { LAMBDA_ENTRY } from '../../../lib/cloud/pipeline.ts';
import { RedlineStack, type RedlineStackProps } from '../../../lib/cloud/redline-stack.ts';
import { REDLINE_PIPELINES } from '../../../lib/pipelines/index.ts';

export const FIXTURE_ENTRY = fileURLToPath(new URL('./fixtures/entry.ts', import.meta.url));
export const TEST_ENTRY = existsSync(LAMBDA_ENTRY) ? LAMBDA_ENTRY : FIXTURE_ENTRY;

export interface Synthesized {
  app: App;
  stack: RedlineStack;
  template: Template;
}

/** A RedlineStack named redline-<stage> in an app that skips asset bundling. */
export function synthRedline(props: RedlineStackProps = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new RedlineStack(app, `redline-${props.stage ?? 'dev'}`, { lambdaEntry: TEST_ENTRY, pipelines: REDLINE_PIPELINES, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical ID of a construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

/** `Fn::GetAtt [id, Arn]`, as templates reference an ARN. */
export const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** `<bucket ARN>/<suffix>`, as `bucket.arnForObjects(suffix)` renders. */
export const objectsOf = (bucketId: string, suffix: string) => ({ 'Fn::Join': ['', [arnOf(bucketId), `/${suffix}`]] });

/** Every statement of the inline policies attached to a role. */
export function statementsOfRole(template: Template, roleId: string): unknown[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as unknown[]);
}
