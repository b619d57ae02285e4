// GIVEN a deployed pipeline WHEN its state machine definition is read back from the template and
// each function reference is replaced by the local placeholder ARN of the same handler THEN it is
// exactly the definition the local runner executes, plus the overall run timeout.
import { describe, expect, it } from 'vitest';
import { HANDLER_NAMES, type HandlerName } from '../../../lambdas/handlers/index.ts';
import { pipelines } from '../../../lib/pipelines/index.ts';
import {
  parseDefinitionString,
  placeholderFunctionArn,
  synthesizeDefinition,
} from '../../../lib/local/state-machine-definition.ts';
import { logicalId, synthRedline } from './redline-app.ts';

const { stack, template } = synthRedline();

/** Replaces every `Fn::GetAtt [<function>, Arn]` by the placeholder ARN of that function's handler. */
function withPlaceholderArns(value: unknown, handlerOf: ReadonlyMap<string, HandlerName>): unknown {
  if (Array.isArray(value)) return value.map((v) => withPlaceholderArns(v, handlerOf));
  if (value === null || typeof value !== 'object') return value;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt && getAtt[1] === 'Arn') {
    const handler = handlerOf.get(getAtt[0]);
    if (!handler) throw new Error(`definition references ${getAtt[0]}, which is no pipeline function`);
    return placeholderFunctionArn(handler);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholderArns(v, handlerOf)]));
}

describe('cloud definition = local definition', () => {
  for (const pipeline of stack.pipelines) {
    it(`GIVEN the ${pipeline.spec.name} state machine WHEN its function ARNs are substituted THEN it equals synthesizeDefinition(spec) plus TimeoutSeconds`, () => {
      const handlerOf = new Map(
        HANDLER_NAMES.flatMap((h) => {
          const fn = pipeline.functions[h];
          return fn ? [[logicalId(fn), h] as const] : [];
        }),
      );
      const resource = template.toJSON().Resources[logicalId(pipeline.stateMachine)];
      const cloud = parseDefinitionString(withPlaceholderArns(resource.Properties.DefinitionString, handlerOf));
      const local = synthesizeDefinition(pipeline.spec);

      expect(cloud).toEqual({ ...local, TimeoutSeconds: pipeline.spec.sla.maxDurationMinutes * 2 * 60 });
    });
  }

  it('GIVEN no list of pipelines WHEN the stack is built THEN every registered pipeline has a state machine', () => {
    const { stack: everyPipeline } = synthRedline({ pipelines: undefined });

    expect(everyPipeline.pipelines.map((p) => p.spec.name)).toEqual([...pipelines.keys()]);
  });
});
