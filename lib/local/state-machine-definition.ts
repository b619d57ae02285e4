// Synthesizes a pipeline's state machine for local execution: the PipelineDefinition construct
// inside a throwaway CDK stack, with placeholder function ARNs, rendered to the same
// DefinitionString CloudFormation would receive and resolved to plain ASL JSON.
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { PipelineDefinition } from '../cloud/pipeline-definition.ts';
import type { SparkJobTarget } from '../cloud/spark-job-task.ts';
import type { PipelineSpec } from '../pipelines/spec.ts';
import { HANDLER_NAMES, type HandlerName } from '../../lambdas/handlers/index.ts';

/** Pseudo parameters as a local "account" sees them. */
export const LOCAL_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

const FUNCTION_PREFIX = 'redline-local-';

/**
 * What a pipeline's job steps name locally as their EMR Serverless application, runtime role and S3
 * locations (the local work bucket); the runner runs each job's local command instead.
 */
export const LOCAL_SPARK_JOB_TARGET: SparkJobTarget = {
  applicationId: 'local',
  executionRoleArn: 'arn:aws:iam::000000000000:role/redline-local-spark-job',
  assetsUri: 's3://redline-work/assets',
  logUri: 's3://redline-work/job-logs/',
};

/** The placeholder ARN standing for a handler's Lambda function locally. */
export function placeholderFunctionArn(handler: HandlerName): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION_PREFIX}${handler}`;
}

/** The handler a placeholder ARN stands for, or undefined for any other resource. */
export function handlerOfFunctionArn(arn: string): HandlerName | undefined {
  const name = arn.split(':function:')[1];
  return HANDLER_NAMES.find((h) => name === `${FUNCTION_PREFIX}${h}`);
}

/** A stack holding the pipeline's state machine, its tasks bound to placeholder functions. */
export function localPipelineStack(spec: PipelineSpec): { stack: Stack; stateMachine: sfn.StateMachine } {
  const stack = new Stack(new App(), `redline-local-${spec.name}`);
  const functions = Object.fromEntries(
    HANDLER_NAMES.map((h) => [h, lambda.Function.fromFunctionArn(stack, `${h}Function`, placeholderFunctionArn(h))]),
  ) as Record<HandlerName, lambda.IFunction>;
  const definition = new PipelineDefinition(stack, 'Pipeline', { spec, functions, sparkJobs: LOCAL_SPARK_JOB_TARGET });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(definition.startState),
  });
  return { stack, stateMachine };
}

/** The ASL definition of a pipeline, exactly as the construct renders it for CloudFormation. */
export function synthesizeDefinition(spec: PipelineSpec): AslDefinition {
  const { stack, stateMachine } = localPipelineStack(spec);
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  return parseDefinitionString(stack.resolve(cfn.definitionString));
}

const synthesized = new Map<PipelineSpec, string>();

/** {@link synthesizeDefinition}, done once per spec and process (a fresh copy each call). */
export function definitionOf(spec: PipelineSpec): AslDefinition {
  let text = synthesized.get(spec);
  if (text === undefined) {
    text = JSON.stringify(synthesizeDefinition(spec));
    synthesized.set(spec, text);
  }
  return JSON.parse(text) as AslDefinition;
}

/** Turns a template's DefinitionString (a string or an Fn::Join) into ASL JSON. */
export function parseDefinitionString(definitionString: unknown): AslDefinition {
  const text = resolveIntrinsics(definitionString);
  if (typeof text !== 'string') throw new Error('DefinitionString did not resolve to a string');
  return JSON.parse(text) as AslDefinition;
}

/** Resolves the intrinsic functions a definition may hold: Fn::Join and Ref to pseudo parameters. */
export function resolveIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0]!;
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p))).join(separator);
    }
    if (key === 'Ref') {
      const pseudo = LOCAL_PSEUDO_PARAMETERS[argument as string];
      if (pseudo === undefined) throw new Error(`cannot resolve Ref ${String(argument)} locally`);
      return pseudo;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v)]));
}

/** The parts of Amazon States Language the local runner reads. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export interface AslState {
  Type: string;
  Resource?: string;
  Branches?: AslDefinition[];
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  [field: string]: unknown;
}

/** Every state of a definition with its name, nested branches and map processors included. */
export function allStates(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...[...(state.Branches ?? []), ...[state.ItemProcessor ?? state.Iterator].filter((d) => d !== undefined)].flatMap(
      allStates,
    ),
  ]);
}

/**
 * The definition started at `stateName` instead, keeping only the states reachable from there
 * (an ASL definition may not hold unreachable states). How a local resume re-enters a run.
 */
export function startingAt(definition: AslDefinition, stateName: string): AslDefinition {
  if (!(stateName in definition.States)) throw new Error(`no top-level state ${stateName}`);
  const reachable = new Set<string>();
  const pending = [stateName];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reachable.has(name)) continue;
    reachable.add(name);
    pending.push(...successorsOf(definition.States[name]!));
  }
  const states = Object.fromEntries(Object.entries(definition.States).filter(([name]) => reachable.has(name)));
  return { ...definition, StartAt: stateName, States: states };
}

function successorsOf(state: AslState): string[] {
  const choices = (state.Choices as { Next: string }[] | undefined) ?? [];
  const catchers = (state.Catch as { Next: string }[] | undefined) ?? [];
  return [state.Next, state.Default, ...choices.map((c) => c.Next), ...catchers.map((c) => c.Next)].filter(
    (next): next is string => typeof next === 'string',
  );
}
