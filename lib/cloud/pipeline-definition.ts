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
// Steps are of four kinds: 'Build <name>' (SQL), 'Clean <name>' (cleaning rules), 'Train <name>'
// (a TypeScript model) and 'Run job <name>' (an EMR Serverless job run, .sync).
//
// A pipeline whose steps all run on success has no Catch: a failure fails the execution *in the
// task that failed*, so a Step Functions redrive re-runs exactly that task. A pipeline with
// triggered steps (trigger rules other than allSuccess, see trigger-rules.ts) catches every
// main-line failure instead: 'Record failure …' notes where it happened, each triggered step
// downstream of that point runs or not by its rule ('Run <state>?'), and the execution ends in
// 'Run failed' with the original error, so the run stays FAILED whatever its cleanup did. (Such
// a run is re-run, not redriven: a redrive would only fail again in 'Run failed'; locally,
// `--resume` continues at the main-line state that failed.) The alert is sent from outside the
// flow: in AWS an EventBridge rule on the execution's FAILED/TIMED_OUT/ABORTED status invokes the
// notify function; locally the runner calls the same handler.
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { PipelineSpec } from '../pipelines/spec.ts';
import { SCHEMA_STEP, type FlattenSourceSpec, type StepSpec } from '../pipelines/spec.ts';
import { resolveTriggerRules, type TriggeredStep } from '../pipelines/trigger-rules.ts';
import { sparkJobTask, type SparkJobTarget } from './spark-job-task.ts';
import { stagedTables } from '../../lambdas/core/staged-tables.ts';
import { TRANSIENT_ERRORS } from '../../lambdas/core/errors.ts';
import { RECORD_FAILURE_STATE } from '../../lambdas/core/state-names.ts';
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
  /**
   * Where the spec's job steps run (EMR Serverless application, runtime role, S3 locations).
   * @default none; required when the spec has a job step
   */
  readonly sparkJobs?: SparkJobTarget;
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

/** The run has failed already (a main-line step, or a triggered step on the success path). */
const failed = sfn.Condition.isPresent('$.failedAt');

/** A state a failure can be caught in. */
type CatchingState = sfn.TaskStateBase | sfn.Parallel | sfn.Map | sfn.CustomState;

/** The triggered steps' states, as the main line and its failures reach them. */
interface TriggeredStates {
  /** For each place after a main-line position (0..M), the entry of the triggered steps there, if any. */
  readonly entries: readonly (sfn.State | undefined)[];
  /** Where a failure at `position` goes: the first triggered step downstream of it, else 'Run failed'. */
  readonly failureRoute: (position: number) => sfn.State;
}

export class PipelineDefinition extends Construct {
  /** The first state of the flow; hand it to `sfn.DefinitionBody.fromChainable`. */
  readonly startState: sfn.State;

  private readonly props: PipelineDefinitionProps;
  /** Every main-line state a failure can happen in, with its position (see trigger-rules.ts). */
  private readonly catchSites: { state: CatchingState; position: number }[] = [];

  constructor(scope: Construct, id: string, props: PipelineDefinitionProps) {
    super(scope, id);
    this.props = props;
    const { spec } = props;
    const { mainLine, triggered, afterSteps } = resolveTriggerRules(spec);

    const createTables = this.task('Create tables', 'transform', { step: SCHEMA_STEP }, sfn.JsonPath.DISCARD);
    let chain = sfn.Chain.start(this.caught(createTables, 0));
    for (const flatten of spec.flattens) chain = chain.next(this.caught(this.flatten(flatten), 0));
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
      chain = chain.next(this.caught(stage, 0));
    }
    const mainLineStates = mainLine.map(({ step, position }) => this.caught(this.stepState(step), position));
    const checks = this.caught(this.task('Run quality checks', 'check', {}, '$.quality'), afterSteps);
    const afterTheSteps = sfn.Chain.start(checks);
    let tail = afterTheSteps;
    if (spec.publish.length > 0) tail = tail.next(this.caught(this.task('Publish results', 'publish', {}, '$.published'), afterSteps));
    const outcome = {
      checks: sfn.JsonPath.objectAt('$.quality.checks'),
      ...(staged.length > 0 ? { loads: sfn.JsonPath.objectAt('$.loads') } : {}),
      ...(spec.publish.length > 0 ? { published: sfn.JsonPath.objectAt('$.published.published') } : {}),
    };
    tail.next(this.caught(this.task('Summarize run', 'summarize', outcome, '$.summary'), afterSteps)).next(new sfn.Succeed(this, 'Succeeded'));

    /** The main-line state that follows position `position`: the step at position + 1, or the checks. */
    const mainLineAfter = (position: number): sfn.State => mainLineStates[position] ?? checks;
    const triggeredStates = triggered.length > 0 ? this.triggeredSteps(triggered, mainLineAfter) : undefined;
    const entries = triggeredStates?.entries ?? [];
    chain.next(entries[0] ?? mainLineAfter(0));
    mainLineStates.forEach((state, i) => state.next(entries[i + 1] ?? mainLineAfter(i + 1)));

    const afterExtract = staged.length > 0 ? this.sensor(createTables) : createTables;
    const afterDownloads = spec.extract ? this.extract(afterExtract) : afterExtract;
    this.startState = this.downloads(afterDownloads);
    if (triggeredStates) this.catchFailures(triggeredStates.failureRoute, afterSteps);
  }

  /** The state of one step, by its kind. */
  private stepState(step: StepSpec): CatchingState {
    switch (step.kind) {
      case 'sql':
        return this.task(`Build ${step.name}`, 'transform', { step: step.name }, sfn.JsonPath.DISCARD);
      case 'clean':
        return this.task(`Clean ${step.name}`, 'clean', { step: step.name }, `$.cleaned.${step.name}`);
      case 'model':
        return this.task(`Train ${step.name}`, 'model', { step: step.name }, `$.models.${step.name}`);
      case 'job': {
        const { sparkJobs, spec } = this.props;
        if (!sparkJobs) throw new Error(`pipeline ${spec.name}: job step ${step.name} needs sparkJobs`);
        return sparkJobTask(this, `Run job ${step.name}`, { pipeline: spec.name, job: step, target: sparkJobs });
      }
    }
  }

  /** Notes a main-line state so that, in a pipeline with triggered steps, its failure is caught. */
  private caught<T extends CatchingState>(state: T, position: number): T {
    this.catchSites.push({ state, position });
    return state;
  }

  /**
   * The triggered steps' states, linked among themselves and back to the main line: each runs, or
   * is passed by, as its rule says, and a failure anywhere goes on through those after it.
   */
  private triggeredSteps(triggered: readonly TriggeredStep[], mainLineAfter: (position: number) => sfn.State): TriggeredStates {
    const runFailed = new sfn.Fail(this, 'Run failed', { errorPath: '$.failedAt.Error', causePath: '$.failedAt.Cause' });
    const states = triggered.map(({ step }) => this.stepState(step));
    const entryStates: sfn.State[] = [];
    const entryOf = (j: number): sfn.State => entryStates[j] ?? runFailed;
    // Built from the last triggered step back, so each one's successors exist when it is linked.
    for (let j = triggered.length - 1; j >= 0; j--) {
      const { after, runsOn } = triggered[j]!;
      const state = states[j]!;
      const exit =
        triggered[j + 1]?.after === after
          ? entryOf(j + 1)
          : new sfn.Choice(this, `Continue after ${state.id}?`).when(failed, entryOf(j + 1)).otherwise(mainLineAfter(after));
      state.next(exit);
      const recordOwnFailure = this.recordFailure(`${RECORD_FAILURE_STATE} in ${state.id}`, after + 0.5);
      recordOwnFailure.next(exit);
      state.addCatch(new sfn.Choice(this, `${state.id} failed`).when(failed, exit).otherwise(recordOwnFailure), { resultPath: '$.failure' });
      entryStates[j] =
        runsOn.kind === 'always'
          ? state
          : new sfn.Choice(this, `Run ${state.id}?`)
              .when(sfn.Condition.not(failed), exit)
              .when(sfn.Condition.numberLessThanEquals('$.failedAt.position', runsOn.atOrBefore), state)
              .otherwise(exit);
    }
    const entries: (sfn.State | undefined)[] = [];
    triggered.forEach((t, j) => (entries[t.after] ??= entryOf(j)));
    const failureRoute = (position: number): sfn.State => {
      const j = triggered.findIndex((t) => t.after >= position);
      return j < 0 ? runFailed : entryOf(j);
    };
    return { entries, failureRoute };
  }

  /** Catches every main-line failure: 'Record failure …' at its position, then the triggered steps after it. */
  private catchFailures(failureRoute: (position: number) => sfn.State, afterSteps: number): void {
    const records = new Map<number, sfn.Pass>();
    for (const { state, position } of this.catchSites) {
      let record = records.get(position);
      if (!record) {
        const where = position === 0 ? 'before the steps' : position === afterSteps ? 'after the steps' : `in ${state.id}`;
        record = this.recordFailure(`${RECORD_FAILURE_STATE} ${where}`, position);
        record.next(failureRoute(position));
        records.set(position, record);
      }
      state.addCatch(record, { resultPath: '$.failure' });
    }
  }

  /** A Pass that keeps where the run failed and the error ($.failedAt), from the caught error at $.failure. */
  private recordFailure(name: string, position: number): sfn.Pass {
    return new sfn.Pass(this, name, {
      parameters: { position, 'Error.$': '$.failure.Error', 'Cause.$': '$.failure.Cause' },
      resultPath: '$.failedAt',
    });
  }

  /**
   * Download <name>… → `then`: one task per download, one after the other (each creates redline's
   * tables for its audit record first, which concurrent tasks would contend for); `then` without downloads.
   */
  private downloads(then: sfn.State): sfn.State {
    const downloads = this.props.spec.downloads.map((d) =>
      this.caught(this.task(`Download ${d.name}`, 'download', { download: d.name }, `$.downloads.${d.name}`), 0),
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
    const read = this.caught(this.task('Read watermarks', 'watermarks', {}, '$.watermarks'), 0);
    const extract = this.caught(this.task('Extract sources', 'extract', { watermarks: sfn.JsonPath.objectAt('$.watermarks') }, '$.extracted'), 0);
    read.next(extract).next(then);
    return read;
  }

  /** Start run → Plan run → Data landed? ─no→ Wait for data → Plan run; ─yes→ `then`. */
  private sensor(then: sfn.State): sfn.State {
    const { spec } = this.props;
    const start = new sfn.Pass(this, 'Start run', { result: sfn.Result.fromObject({ attempt: 0 }), resultPath: '$.plan' });
    const plan = this.caught(this.task('Plan run', 'plan', { attempt: sfn.JsonPath.numberAt('$.plan.attempt') }, '$.plan'), 0);
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
