// BackfillDefinition: the flow that backfills a pipeline over a list of run dates — an inline
// Map over the dates, bounded concurrency, each date one execution of the pipeline's state
// machine run to completion (StartExecution.sync), its failure recorded instead of stopping the
// others — ending with a per-date result table: [{ runDate, status, error? }].
//
// Execution input: { "dates": ["2018-11-01", "2018-11-02", ...] }.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface BackfillDefinitionProps {
  /** The pipeline's state machine, one execution of which runs each date. */
  readonly pipeline: sfn.IStateMachine;
  /**
   * How many dates run at once. Each run stages into its own copies of the staging tables; runs
   * that collide on a star table are rolled back by Redshift and retried (SerializationConflict).
   * @default 4
   */
  readonly maxConcurrency?: number;
}

export class BackfillDefinition extends Construct {
  /** The first state of the flow; hand it to `sfn.DefinitionBody.fromChainable`. */
  readonly startState: sfn.State;

  constructor(scope: Construct, id: string, props: BackfillDefinitionProps) {
    super(scope, id);
    const runDate = new tasks.StepFunctionsStartExecution(this, 'Run date', {
      stateMachine: props.pipeline,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      input: sfn.TaskInput.fromObject({ runDate: sfn.JsonPath.stringAt('$.runDate') }),
      resultSelector: { runDate: sfn.JsonPath.stringAt('$.Input.runDate'), status: sfn.JsonPath.stringAt('$.Status') },
    });
    const failed = new sfn.Pass(this, 'Date failed', {
      parameters: {
        runDate: sfn.JsonPath.stringAt('$.runDate'),
        status: 'FAILED',
        error: sfn.JsonPath.stringAt('$.failure.Error'),
      },
    });
    runDate.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

    const eachDate = new sfn.Map(this, 'Each date', {
      itemsPath: sfn.JsonPath.stringAt('$.dates'),
      itemSelector: { runDate: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      maxConcurrency: props.maxConcurrency ?? 4,
      resultPath: '$.results',
    });
    eachDate.itemProcessor(runDate);
    this.startState = eachDate;
  }
}
