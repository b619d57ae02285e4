// The definition the local runner executes is the one the construct synthesizes into the
// CloudFormation template, and every task in it is bound to a real handler.
import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import {
  allStates,
  localPipelineStack,
  parseDefinitionString,
  synthesizeDefinition,
} from '../../../lib/local/state-machine-definition.ts';
import { bindTaskStates } from '../../../lib/local/runner.ts';
import { HANDLER_NAMES, type HandlerName, type TaskHandler } from '../../../lambdas/handlers/index.ts';

describe('local state machine definition', () => {
  it('equals the DefinitionString of the synthesized CloudFormation template', () => {
    const { stack } = localPipelineStack(sparkify);
    const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines) as { Properties: { DefinitionString: unknown } }[];
    expect(parseDefinitionString(machine!.Properties.DefinitionString)).toEqual(synthesizeDefinition(sparkify));
  });

  it('binds every Task state, nested ones included, to the handler its function ARN names', () => {
    const definition = synthesizeDefinition(sparkify);
    const handlers = Object.fromEntries(
      HANDLER_NAMES.map((name) => [name, Object.assign(async () => name, { handlerName: name })]),
    ) as unknown as Record<HandlerName, TaskHandler & { handlerName: string }>;
    const bound = bindTaskStates(definition, handlers) as unknown as Record<string, { handlerName: string }>;
    const taskNames = allStates(definition).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
    expect(Object.keys(bound).sort()).toEqual(taskNames.sort());
    expect(bound['Stage staging_songs']!.handlerName).toBe('stage');
    expect(bound['Build users']!.handlerName).toBe('transform');
    expect(bound['Plan run']!.handlerName).toBe('plan');
  });

  it('refuses a task whose resource has no local handler', () => {
    const definition = synthesizeDefinition(sparkify);
    definition.States['Plan run']!.Resource = 'arn:aws:lambda:us-east-1:1:function:somebody-else';
    expect(() => bindTaskStates(definition, {} as Record<HandlerName, TaskHandler>)).toThrow(/no local handler/);
  });
});
