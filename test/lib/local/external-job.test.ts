// GIVEN an external job step run locally WHEN its command (a real child process) exits 0, exits
// non-zero, cannot start or outlives its timeout THEN the step succeeds, fails with
// States.TaskFailed (exit code and log named), or fails with States.Timeout with the job's whole
// process tree killed, as the EMR Serverless .sync integration fails in AWS; and the job state of
// the synthesized definition, bound by the runner, hands the job its run-date arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../lib/local/promise-with-resolvers.ts';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ExternalJobFailed, ExternalJobTimedOut } from '../../../lambdas/core/errors.ts';
import type { HandlerName, TaskHandler } from '../../../lambdas/handlers/index.ts';
import { sparkJobTask } from '../../../lib/cloud/spark-job-task.ts';
import { runExternalJob } from '../../../lib/local/external-job.ts';
import { PROJECT_ROOT } from '../../../lib/local/project-paths.ts';
import { bindTaskStates } from '../../../lib/local/runner.ts';
import { LOCAL_SPARK_JOB_TARGET, parseDefinitionString, type AslDefinition } from '../../../lib/local/state-machine-definition.ts';
import type { JobStepSpec, PipelineSpec } from '../../../lib/pipelines/spec.ts';
import { jobPipelines, SMOKE_FAILURE_EXIT_CODE, SMOKE_JOB } from '../../support/job-pipeline.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redline-external-job-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `node -e <script>`: a real child process running `script`. */
const node = (script: string, ...args: string[]) => [process.execPath, '-e', script, ...args];

/** Whether a process is still alive (a zombie waiting to be reaped is not). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('runExternalJob', () => {
  it('GIVEN a command that exits 0 WHEN run THEN it resolves, its stdout and stderr in the log after the command line', async () => {
    const logFile = join(dir, 'ok', 'job.log');
    await runExternalJob({ command: node("console.log('to stdout'); console.error('to stderr')", 'an-argument'), logFile, timeoutMs: 10_000 });
    const log = await readFile(logFile, 'utf8');
    expect(log.split('\n')[0]).toContain('an-argument');
    expect(log).toContain('to stdout');
    expect(log).toContain('to stderr');
  });

  it('GIVEN a command that exits 3 WHEN run THEN it fails with States.TaskFailed naming the exit code, the log and its last output', async () => {
    const logFile = join(dir, 'fails', 'job.log');
    const failure = await runExternalJob({ command: node("console.error('bad partition'); process.exit(3)"), logFile, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExternalJobFailed);
    expect(failure).toMatchObject({ name: 'States.TaskFailed', exitCode: 3, logFile });
    expect((failure as Error).message).toMatch(/exited with code 3/);
    expect((failure as Error).message).toContain(logFile);
    expect((failure as Error).message).toContain('bad partition');
  });

  it('GIVEN a command that does not exist WHEN run THEN it fails with States.TaskFailed saying it could not start', async () => {
    const logFile = join(dir, 'missing', 'job.log');
    const failure = await runExternalJob({ command: ['redline-no-such-program'], logFile, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'States.TaskFailed', exitCode: null });
    expect((failure as Error).message).toMatch(/could not start .*ENOENT/);
  });

  it('GIVEN a job (and a process it started) still running at its timeout WHEN run THEN it fails with States.Timeout and both are killed', async () => {
    const logFile = join(dir, 'sleeps', 'job.log');
    const script =
      "const { spawn } = require('node:child_process');" +
      "const grandchild = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });" +
      "console.log('pids', process.pid, grandchild.pid); setTimeout(() => {}, 600000);";
    const started = Date.now();
    const failure = await runExternalJob({ command: node(script), logFile, timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failure).toBeInstanceOf(ExternalJobTimedOut);
    expect(failure).toMatchObject({ name: 'States.Timeout', logFile });
    expect((failure as Error).message).toMatch(/ran past its timeout of 1\.5 s and was killed/);
    const pids = /pids (\d+) (\d+)/.exec(await readFile(logFile, 'utf8'))!.slice(1).map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await eventually(async () => !(await isAlive(pid))), `process ${pid}`).toBe(true);
  });

  it("GIVEN the parent's secrets in its environment WHEN a job runs THEN the job sees neither them and works in the project root", async () => {
    process.env.REDLINE_TEST_SECRET = 'hunter2';
    process.env.AWS_SECRET_ACCESS_KEY = 'not-for-jobs';
    try {
      const logFile = join(dir, 'env', 'job.log');
      await runExternalJob({ command: node('console.log(JSON.stringify({ cwd: process.cwd(), env: process.env }))'), logFile, timeoutMs: 10_000 });
      const seen = JSON.parse((await readFile(logFile, 'utf8')).split('\n')[1]!) as { cwd: string; env: Record<string, string> };
      expect(join(seen.cwd, '/')).toBe(join(PROJECT_ROOT, '/'));
      expect(Object.keys(seen.env)).not.toContain('REDLINE_TEST_SECRET');
      expect(Object.keys(seen.env)).not.toContain('AWS_SECRET_ACCESS_KEY');
      expect(JSON.stringify(seen.env)).not.toContain('hunter2');
    } finally {
      delete process.env.REDLINE_TEST_SECRET;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});

describe('the job state bound by the local runner', () => {
  const STATE = `Run job ${SMOKE_JOB}`;

  /** A state machine of the pipeline's job state alone, synthesized as the pipeline's definition holds it. */
  function definitionOfJob(spec: PipelineSpec): AslDefinition {
    const stack = new Stack(new App(), 'Job');
    const job = spec.steps.find((s): s is JobStepSpec => s.kind === 'job')!;
    const state = sparkJobTask(stack, STATE, { pipeline: spec.name, job, target: LOCAL_SPARK_JOB_TARGET });
    const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(state) });
    return parseDefinitionString(stack.resolve((machine.node.defaultChild as sfn.CfnStateMachine).definitionString));
  }

  async function runJob(spec: PipelineSpec, runDate: string, timeoutScale?: number) {
    const definition = definitionOfJob(spec);
    const logDir = join(dir, 'runs', spec.name);
    const noLambdas = {} as Record<HandlerName, TaskHandler>;
    const execution = new StateMachine(definition as unknown as StateMachineDefinition).run({ runDate } as never, {
      overrides: { taskResourceLocalHandlers: bindTaskStates(definition, noLambdas, { logDir, timeoutScale }) },
      context: { Execution: { Name: `${spec.name}-run` } },
    } as never);
    try {
      return { output: (await execution.result) as Record<string, any>, logDir };
    } catch (error) {
      return { error: (error as ExecutionError).cause as Error, logDir };
    }
  }

  async function logOf(logDir: string): Promise<string> {
    const [runFolder] = await readdir(logDir);
    const [logFile] = await readdir(join(logDir, runFolder!));
    return readFile(join(logDir, runFolder!, logFile!), 'utf8');
  }

  it('GIVEN the smoke job asked to succeed WHEN the state runs THEN the job got the run date templated and the state keeps its run id and SUCCESS', async () => {
    const { output, logDir } = await runJob(jobPipelines.succeed, '2018-11-05T01:00:00Z');
    expect(output?.jobs).toEqual({ smoke: { JobRunId: expect.stringMatching(/^[0-9a-f]{16}$/), State: 'SUCCESS' } });
    const log = await logOf(logDir);
    expect(log).toContain('node jobs/smoke.mjs --run-date 2018-11-05 --outcome succeed');
    expect(log).toContain('smoke job for 2018-11-05: outcome succeed');
  });

  it('GIVEN the smoke job asked to fail WHEN the state runs THEN the execution fails with States.TaskFailed and the exit code', async () => {
    const { error } = await runJob(jobPipelines.fail, '2018-11-05');
    expect(error).toMatchObject({ name: 'States.TaskFailed', exitCode: SMOKE_FAILURE_EXIT_CODE });
    expect(error?.message).toMatch(/exited with code 3/);
  });

  it('GIVEN the smoke job asked to sleep WHEN its (scaled) timeout passes THEN the execution fails with States.Timeout', async () => {
    const started = Date.now();
    const { error } = await runJob(jobPipelines.sleep, '2018-11-05', 0.02);
    expect(error?.name).toBe('States.Timeout');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('GIVEN no job run options WHEN a definition with a job state is bound THEN binding refuses it: there is no local handler', () => {
    const definition = definitionOfJob(jobPipelines.succeed);
    expect(() => bindTaskStates(definition, {} as Record<HandlerName, TaskHandler>)).toThrow(/Run job smoke calls .*startJobRun\.sync, which has no local handler/);
  });
});
