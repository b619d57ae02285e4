// PipelineDefinition: builds a pipeline's Step Functions flow from its spec. The cloud stack
// wraps it in a StateMachine with real Lambdas; the local runner synthesizes the very same
// construct with placeholder function ARNs and executes the resulting definition.
//
//   Start run → Plan run → Data landed? ─no→ Wait for data → Plan run (the sensor)
//                                       └yes→ Create tables → Stage sources (one branch per source)
//   → Build <step>… → Run quality checks → [Publish results] → Summarize run → Succeeded
//   A pipeline without sources (SQL steps only) starts at Create tables. A pipeline that extracts
//   from an operational database starts with Read watermarks → Extract sources (the watermarks
//   passed to the extract through the state), then the sensor. A pipeline that downloads files
//   starts before all that with Download <name>, one task per download in order, each landing its
//   file in the landing bucket (result at $.downloads.<name>).
//
// No state catches a task's error: a failure fails the execution *in the task that failed*, so a
// Step Functions redrive re-runs exactly that task (a Catch → Notify → Fail path would leave the
// execution failed in the Fail state, and a redrive would only fail again there). The alert is
// sent from outside the flow: in AWS an EventBridge rule on the execution's FAILED/TIMED_OUT/
// ABORTED status invokes the notify function; locally the runner calls the same handler.
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { PipelineSpec } from '../pipelines/spec.ts';
import { SCHEMA_STEP, type FlattenSourceSpec } from '../pipelines/spec.ts';
import { stagedTables } from '../../lambdas/core/staged-tables.ts';
import { TRANSIENT_ERRORS } from '../../lambdas/core/errors.ts';
import type { HandlerName } from '../../lambdas/handlers/index.ts';

/** The handlers that run as Task states; `notify` runs on the execution's failure, outside the flow. */
type TaskHandlerName = Exclude<HandlerName, 'notify'>;

export interface PipelineDefinitionProps {
  /** The pipeline to build the flow of. */
  readonly spec: PipelineSpec;
  /** The Lambda function behind each kind of task the spec's flow uses. */
  readonly functions: Readonly<Partial<Record<HandlerName, lambda.IFunction>>>;
  /**
   * Longest a single task may run before Step Functions times it out.
   * @default 15 minutes (the Lambda maximum)
   */
  readonly taskTimeout?: Duration;
}

/**
 * The payload fields every task receives: which pipeline, which run, which date. The input's
 * `runDate` is a date or the scheduler's timestamp; tasks read the date from `runDate` and the
 * run's time from `runTime`.
 */
const RUN_FIELDS = {
  runId: sfn.JsonPath.stringAt('$$.Execution.Name'),
  runDate: sfn.JsonPath.stringAt('$.runDate'),
  runTime: sfn.JsonPath.stringAt('$.runDate'),
};

export class PipelineDefinition extends Construct {
  /** The first state of the flow; hand it to `sfn.DefinitionBody.fromChainable`. */
  readonly startState: sfn.State;

  private readonly props: PipelineDefinitionProps;

  constructor(scope: Construct, id: string, props: PipelineDefinitionProps) {
    super(scope, id);
    this.props = props;
    const { spec } = props;

    const createTables = this.task('Create tables', 'transform', { step: SCHEMA_STEP }, sfn.JsonPath.DISCARD);
    let chain = sfn.Chain.start(createTables);
    for (const flatten of spec.flattens) chain = chain.next(this.flatten(flatten));
    const staged = stagedTables(spec);
    if (staged.length > 0) {
      const stage = new sfn.Parallel(this, 'Stage sources', { resultPath: '$.loads' });
      for (const source of staged) {
        stage.branch(
          this.task(`Stage ${source.table}`, 'stage', {
            table: source.table,
            manifest: sfn.JsonPath.stringAt(`$.plan.manifests.${source.table}`),
          }),
        );
      }
      chain = chain.next(stage);
    }
    for (const step of spec.steps) {
      chain = chain.next(this.task(`Build ${step.name}`, 'transform', { step: step.name }, sfn.JsonPath.DISCARD));
    }
    chain = chain.next(this.task('Run quality checks', 'check', {}, '$.quality'));
    if (spec.publish.length > 0) chain = chain.next(this.task('Publish results', 'publish', {}, '$.published'));
    const outcome = {
      checks: sfn.JsonPath.objectAt('$.quality.checks'),
      ...(staged.length > 0 ? { loads: sfn.JsonPath.objectAt('$.loads') } : {}),
      ...(spec.publish.length > 0 ? { published: sfn.JsonPath.objectAt('$.published.published') } : {}),
    };
    chain
      .next(this.task('Summarize run', 'summarize', outcome, '$.summary'))
      .next(new sfn.Succeed(this, 'Succeeded'));
    const afterExtract = staged.length > 0 ? this.sensor(createTables) : createTables;
    const afterDownloads = spec.extract ? this.extract(afterExtract) : afterExtract;
    this.startState = this.downloads(afterDownloads);
  }

  /**
   * Download <name>… → `then`: one task per download, one after the other (each creates redline's
   * tables for its audit record first, which concurrent tasks would contend for); `then` without downloads.
   */
  private downloads(then: sfn.State): sfn.State {
    const downloads = this.props.spec.downloads.map((d) =>
      this.task(`Download ${d.name}`, 'download', { download: d.name }, `$.downloads.${d.name}`),
    );
    downloads.forEach((download, i) => download.next(downloads[i + 1] ?? then));
    return downloads[0] ?? then;
  }

  /**
   * Flatten <name>: an inline Map over the plan's batch lists of the flatten's raw files, each batch
   * one flatten task, a few at once. Batch lists keep the state small however many files there are
   * (the local runner has no Distributed Map ItemReader, so both runtimes use this one form).
   */
  private flatten(flatten: FlattenSourceSpec): sfn.Map {
    const map = new sfn.Map(this, `Flatten ${flatten.name}`, {
      itemsPath: sfn.JsonPath.stringAt(`$.plan.batches.${flatten.name}`),
      itemSelector: {
        runDate: sfn.JsonPath.stringAt('$.runDate'),
        batch: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      },
      maxConcurrency: flatten.maxConcurrency,
      resultPath: `$.flattened.${flatten.name}`,
    });
    map.itemProcessor(this.task(`Flatten ${flatten.name} batch`, 'flatten', { flatten: flatten.name, batch: sfn.JsonPath.stringAt('$.batch') }));
    return map;
  }

  /** Read watermarks → Extract sources → `then`. */
  private extract(then: sfn.State): sfn.State {
    const read = this.task('Read watermarks', 'watermarks', {}, '$.watermarks');
    const extract = this.task('Extract sources', 'extract', { watermarks: sfn.JsonPath.objectAt('$.watermarks') }, '$.extracted');
    read.next(extract).next(then);
    return read;
  }

  /** Start run → Plan run → Data landed? ─no→ Wait for data → Plan run; ─yes→ `then`. */
  private sensor(then: sfn.State): sfn.State {
    const { spec } = this.props;
    const start = new sfn.Pass(this, 'Start run', { result: sfn.Result.fromObject({ attempt: 0 }), resultPath: '$.plan' });
    const plan = this.task('Plan run', 'plan', { attempt: sfn.JsonPath.numberAt('$.plan.attempt') }, '$.plan');
    const waitForData = new sfn.Wait(this, 'Wait for data', {
      time: sfn.WaitTime.duration(Duration.seconds(spec.sensor.pollSeconds)),
    });
    const dataLanded = new sfn.Choice(this, 'Data landed?')
      .when(sfn.Condition.booleanEquals('$.plan.ready', true), then)
      .otherwise(waitForData.next(plan));
    start.next(plan).next(dataLanded);
    return start;
  }

  /** A Lambda task whose payload is the run fields plus `fields`, result at `resultPath`. */
  private task(
    name: string,
    handler: TaskHandlerName,
    fields: Record<string, unknown>,
    resultPath?: string,
  ): tasks.LambdaInvoke {
    const lambdaFunction = this.props.functions[handler];
    if (!lambdaFunction) throw new Error(`pipeline ${this.props.spec.name}: no function given for the ${handler} task`);
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction,
      payload: sfn.TaskInput.fromObject({ pipeline: this.props.spec.name, ...RUN_FIELDS, ...fields }),
      payloadResponseOnly: true,
      resultPath,
      taskTimeout: sfn.Timeout.duration(this.props.taskTimeout ?? Duration.minutes(15)),
    });
    task.addRetry({
      errors: [...TRANSIENT_ERRORS],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  }
}
