// sparkJobTask: a pipeline's external job step as one Task state running an EMR Serverless Spark
// job through Step Functions' optimized integration, Run a Job (.sync): the state starts the job
// run and waits for it to end. A job run that fails fails the state (States.TaskFailed); one that
// runs past the step's timeoutMinutes times it out (States.Timeout). The job's arguments are
// templated with the run date at run time (run-date-intrinsics.ts); its logs go to S3.
//
// No Retry: a failed job is not run again, and the integration documents no throttling error name
// that a retry could be limited to. Locally the runner binds this same state to the job's local
// command (lib/local/spark-job-runs.ts), finding the job again by the state's job run Name.
import { Aws } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import type { JobStepSpec } from '../pipelines/spec.ts';
import { runDateTemplatedList } from './run-date-intrinsics.ts';

/** Where a pipeline's job steps run: an EMR Serverless application and what its jobs use. */
export interface SparkJobTarget {
  /** The EMR Serverless application the job runs on. */
  readonly applicationId: string;
  /** The job runtime role EMR Serverless assumes. */
  readonly executionRoleArn: string;
  /** s3:// URI the job's entry points live under (the work bucket's assets/ prefix), without a trailing slash. */
  readonly assetsUri: string;
  /** s3:// URI the job logs go to. */
  readonly logUri: string;
}

export interface SparkJobTaskProps {
  /** The pipeline the job step belongs to; its name starts the job run's name. */
  readonly pipeline: string;
  /** The job step: entry point, arguments, timeout. */
  readonly job: JobStepSpec;
  /** The application, runtime role and S3 locations the job runs with. */
  readonly target: SparkJobTarget;
}

/** The integration's Resource, as the synthesized definition holds it once the partition is resolved. */
export const START_JOB_RUN_SYNC = 'arn:aws:states:::emr-serverless:startJobRun.sync';

/**
 * The job run's Name parameter: `<pipeline>-<job>-<execution name>`, resolved at run time. A job
 * name has no '-', so the name also tells which pipeline and job a run belongs to.
 */
export function jobRunNameParameter(pipeline: string, job: string): string {
  return `States.Format('${pipeline}-${job}-{}', $$.Execution.Name)`;
}

/**
 * The Task state `id` running `job` as an EMR Serverless job run and waiting for it to end; its
 * result at `$.jobs.<job name>`: `{ JobRunId, State: 'SUCCESS' }`. The state machine's role needs
 * SparkJobs.grantStartJobRun. Throws InvalidInput when the job's arguments cannot be templated
 * at run time (see runDateTemplatedList).
 */
export function sparkJobTask(scope: Construct, id: string, props: SparkJobTaskProps): sfn.CustomState {
  const { pipeline, job, target } = props;
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::emr-serverless:startJobRun.sync`,
      Parameters: {
        ApplicationId: target.applicationId,
        ExecutionRoleArn: target.executionRoleArn,
        'Name.$': jobRunNameParameter(pipeline, job.name),
        JobDriver: {
          SparkSubmit: { EntryPoint: `${target.assetsUri}/${job.entryPoint}`, ...entryPointArguments(pipeline, job) },
        },
        ConfigurationOverrides: {
          MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: target.logUri } },
        },
        // EMR Serverless stops the job run itself too, should the state's timeout not reach it.
        ExecutionTimeoutMinutes: job.timeoutMinutes,
      },
      TimeoutSeconds: job.timeoutMinutes * 60,
      ResultSelector: { 'JobRunId.$': '$.JobRunId', State: 'SUCCESS' },
      ResultPath: `$.jobs.${job.name}`,
    },
  });
}

function entryPointArguments(pipeline: string, job: JobStepSpec): Record<string, unknown> {
  try {
    return runDateTemplatedList('EntryPointArguments', job.arguments);
  } catch (error) {
    throw new InvalidInput(`pipeline ${pipeline}: job ${job.name}: ${(error as Error).message}`);
  }
}
