// What EMR Serverless does in AWS, done locally: each Task state of a definition that starts an
// EMR Serverless job run (.sync) is bound to a run of its job's local command (external-job.ts),
// with the arguments the state resolved from the run date appended and the state's own timeout.
// The job is found again by the state's job run Name (`<pipeline>-<job>-…`) among the registered
// pipelines. The handler answers as the integration does, with the job run's ids; the state's
// ResultSelector then keeps what it keeps in AWS.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TaskHandler } from '../../lambdas/handlers/index.ts';
import { jobRunNameParameter, START_JOB_RUN_SYNC } from '../cloud/spark-job-task.ts';
import { pipelines } from '../pipelines/index.ts';
import type { JobStepSpec } from '../pipelines/spec.ts';
import { runExternalJob } from './external-job.ts';
import { LOCAL_PSEUDO_PARAMETERS, type AslState } from './state-machine-definition.ts';

export interface LocalJobRunOptions {
  /** The folder job logs go to, one file per job run under the run's name (the local S3 log URI). */
  readonly logDir: string;
  /**
   * Factor applied to every job step's timeout, e.g. 0.01 for a test to see a timeout in seconds;
   * a job past its scaled timeout is killed and fails with States.Timeout as it would unscaled.
   * @default 1
   */
  readonly timeoutScale?: number;
}

/** The part of a StartJobRun request the local run reads. */
interface StartJobRunRequest {
  ApplicationId: string;
  Name: string;
  JobDriver: { SparkSubmit: { EntryPointArguments?: string[] } };
}

/** Whether `state` starts an EMR Serverless job run and waits for it. */
export function startsJobRun(state: AslState): boolean {
  return state.Type === 'Task' && state.Resource === START_JOB_RUN_SYNC;
}

/** The local handler of a job run state: runs its job's local command and answers like startJobRun.sync. */
export function localJobRunHandler(stateName: string, state: AslState, options: LocalJobRunOptions): TaskHandler {
  const job = jobOfState(stateName, state);
  const timeoutSeconds = Number(state.TimeoutSeconds);
  if (!(timeoutSeconds > 0)) throw new Error(`task ${stateName} runs a job without TimeoutSeconds`);
  const timeoutMs = timeoutSeconds * 1000 * (options.timeoutScale ?? 1);
  return async (event) => {
    const request = event as StartJobRunRequest;
    const jobRunId = randomBytes(8).toString('hex');
    await runExternalJob({
      command: [...job.local.command, ...(request.JobDriver.SparkSubmit.EntryPointArguments ?? [])],
      logFile: join(options.logDir, request.Name, `${jobRunId}.log`),
      timeoutMs,
    });
    const { 'AWS::Region': region, 'AWS::AccountId': account } = LOCAL_PSEUDO_PARAMETERS;
    return {
      ApplicationId: request.ApplicationId,
      JobRunId: jobRunId,
      Arn: `arn:aws:emr-serverless:${region}:${account}:/applications/${request.ApplicationId}/jobruns/${jobRunId}`,
    };
  };
}

/** The registered job step whose job run Name the state builds. */
function jobOfState(stateName: string, state: AslState): JobStepSpec {
  const name = (state.Parameters as Record<string, unknown> | undefined)?.['Name.$'];
  for (const spec of pipelines.values()) {
    for (const step of spec.steps) {
      if (step.kind === 'job' && jobRunNameParameter(spec.name, step.name) === name) return step;
    }
  }
  throw new Error(`task ${stateName} runs a job no registered pipeline declares (job run name ${String(name)})`);
}
