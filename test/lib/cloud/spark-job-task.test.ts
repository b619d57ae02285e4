// GIVEN a pipeline's external job step WHEN its Task state is synthesized THEN it runs the job on
// EMR Serverless through startJobRun.sync with the step's entry point, logs and timeout, retries
// nothing, and resolves the job's arguments from the run date at run time exactly as the key
// templates render it (checked by executing the state with aws-local-stepfunctions).
import { describe, expect, it } from 'vitest';
import '../../../lib/local/promise-with-resolvers.ts';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { renderKeyTemplate } from '../../../lambdas/core/partition.ts';
import { MAX_INTRINSIC_CALLS } from '../../../lib/cloud/run-date-intrinsics.ts';
import { sparkJobTask, START_JOB_RUN_SYNC, type SparkJobTarget } from '../../../lib/cloud/spark-job-task.ts';
import { parseDefinitionString, type AslDefinition, type AslState } from '../../../lib/local/state-machine-definition.ts';
import { jobStepSchema } from '../../../lib/pipelines/step-spec.ts';
import type { JobStepSpec } from '../../../lib/pipelines/spec.ts';

const TARGET: SparkJobTarget = {
  applicationId: '00fabc123def456',
  executionRoleArn: 'arn:aws:iam::123456789012:role/redline-dev-spark-runtime',
  assetsUri: 's3://redline-dev-work/assets',
  logUri: 's3://redline-dev-work/job-logs/',
};

const STATE = 'Run job sessionize';

function jobStep(overrides: Partial<Record<keyof JobStepSpec, unknown>> = {}): JobStepSpec {
  return jobStepSchema.parse({
    kind: 'job',
    name: 'sessionize',
    entryPoint: 'jobs/sessionize.py',
    arguments: ['--run-date', '{yyyy}-{mm}-{dd}'],
    local: { command: ['node', 'jobs/sessionize.mjs'] },
    timeoutMinutes: 45,
    ...overrides,
  });
}

/** The definition of a state machine made of the job step's state alone, as CloudFormation gets it. */
function synthesize(job: JobStepSpec): AslDefinition {
  const stack = new Stack(new App(), 'Jobs');
  const state = sparkJobTask(stack, STATE, { pipeline: 'sparkify', job, target: TARGET });
  const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(state) });
  return parseDefinitionString(stack.resolve((machine.node.defaultChild as sfn.CfnStateMachine).definitionString));
}

function stateOf(job: JobStepSpec): AslState {
  return synthesize(job).States[STATE]!;
}

/** Runs the one-state machine locally; returns the request the job run got and the state's output. */
async function execute(job: JobStepSpec, runDate: string): Promise<{ request: Record<string, any>; output: Record<string, any> }> {
  let request: Record<string, any> = {};
  const machine = new StateMachine(synthesize(job) as unknown as StateMachineDefinition);
  const execution = machine.run({ runDate } as never, {
    overrides: {
      taskResourceLocalHandlers: {
        [STATE]: async (input: Record<string, any>) => {
          request = input;
          return { ApplicationId: input.ApplicationId, JobRunId: '00fjobrun1', Arn: 'arn:aws:emr-serverless:…/jobruns/00fjobrun1' };
        },
      },
    },
    context: { Execution: { Name: 'sparkify-2018-11-05-ab12' } },
  } as never);
  const output = (await execution.result) as Record<string, any>;
  return { request, output };
}

describe('sparkJobTask', () => {
  it('GIVEN a job step WHEN synthesized THEN its state starts the EMR Serverless job run and waits for it (.sync)', () => {
    const state = stateOf(jobStep());
    expect(state.Type).toBe('Task');
    expect(state.Resource).toBe(START_JOB_RUN_SYNC);
    expect(state.Resource).toBe('arn:aws:states:::emr-serverless:startJobRun.sync');
  });

  it('GIVEN a job step WHEN synthesized THEN the request names the application, runtime role, entry point under assets/ and the S3 log URI', () => {
    expect(stateOf(jobStep()).Parameters).toEqual({
      ApplicationId: TARGET.applicationId,
      ExecutionRoleArn: TARGET.executionRoleArn,
      'Name.$': "States.Format('sparkify-sessionize-{}', $$.Execution.Name)",
      JobDriver: {
        SparkSubmit: {
          EntryPoint: 's3://redline-dev-work/assets/jobs/sessionize.py',
          'EntryPointArguments.$': "States.Array('--run-date', States.ArrayGetItem(States.StringSplit($.runDate, 'T'), 0))",
        },
      },
      ConfigurationOverrides: { MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: 's3://redline-dev-work/job-logs/' } } },
      ExecutionTimeoutMinutes: 45,
    });
  });

  it('GIVEN timeoutMinutes WHEN synthesized THEN the state times out after as many seconds (States.Timeout)', () => {
    expect(stateOf(jobStep({ timeoutMinutes: 45 })).TimeoutSeconds).toBe(45 * 60);
    expect(stateOf(jobStep({ timeoutMinutes: undefined })).TimeoutSeconds).toBe(60 * 60);
  });

  it('GIVEN a job that fails WHEN the state reports it THEN nothing retries or catches it here: a failed job is not run again', () => {
    const state = stateOf(jobStep());
    expect(state.Retry).toBeUndefined();
    expect(state.Catch).toBeUndefined();
  });

  it('GIVEN a finished job run WHEN the state ends THEN only its id and state are kept, at $.jobs.<name>', async () => {
    const state = stateOf(jobStep());
    expect(state.ResultSelector).toEqual({ 'JobRunId.$': '$.JobRunId', State: 'SUCCESS' });
    expect(state.ResultPath).toBe('$.jobs.sessionize');
    const { output } = await execute(jobStep(), '2018-11-05');
    expect(output).toEqual({ runDate: '2018-11-05', jobs: { sessionize: { JobRunId: '00fjobrun1', State: 'SUCCESS' } } });
  });

  it('GIVEN arguments without placeholders WHEN synthesized THEN they are passed as written, with no intrinsic function', () => {
    const args = ['--mode', "it's (literal)", 'a,b'];
    expect((stateOf(jobStep({ arguments: args })).Parameters as any).JobDriver.SparkSubmit).toEqual({
      EntryPoint: 's3://redline-dev-work/assets/jobs/sessionize.py',
      EntryPointArguments: args,
    });
  });

  describe('GIVEN templated arguments WHEN the state runs THEN the job gets them rendered for the run date as key templates are', () => {
    // Each list within the intrinsic call budget; the last one at it exactly.
    const argumentLists = [
      ['--run-date', '{yyyy}-{mm}-{dd}', '--mode', 'full'],
      ['--day={dd}'],
      ['{yyyy}{mm}'],
      ['{yyyy}', '{mm}'],
      ['--month={yyyy}-{mm}'],
      ['s3://landing/log_data/{yyyy}/{mm}/{dd}/'],
    ];
    for (const runDate of ['2018-11-05', '2018-11-05T01:00:00Z', '2024-02-29T23:59:59Z']) {
      it(`run date ${runDate}`, async () => {
        for (const templates of argumentLists) {
          const { request } = await execute(jobStep({ arguments: templates }), runDate);
          expect(request.JobDriver.SparkSubmit.EntryPointArguments).toEqual(templates.map((t) => renderKeyTemplate(t, runDate.slice(0, 10))));
        }
      });
    }

    it('and the job run is named after the pipeline, the job and the execution', async () => {
      const { request } = await execute(jobStep(), '2018-11-05');
      expect(request.Name).toBe('sparkify-sessionize-sparkify-2018-11-05-ab12');
    });
  });

  it(`GIVEN arguments needing more than ${MAX_INTRINSIC_CALLS} intrinsic calls WHEN synthesized THEN the pipeline and job are named in an InvalidInput`, () => {
    const job = jobStep({ arguments: ['--date={yyyy}-{mm}-{dd}', '--input=s3://landing/{yyyy}/{mm}/{dd}/'] });
    expect(() => synthesize(job)).toThrow(/pipeline sparkify: job sessionize: .* needs 1[0-9] intrinsic function calls, over Step Functions' 10/);
  });

  it('GIVEN a templated argument holding a quote or parenthesis WHEN synthesized THEN it is refused: it would not evaluate alike locally', () => {
    expect(() => synthesize(jobStep({ arguments: ["--label=it's {yyyy}"] }))).toThrow(/may not hold/);
    expect(() => synthesize(jobStep({ arguments: ['--label=(x)', '{yyyy}'] }))).toThrow(/may not hold/);
  });
});
