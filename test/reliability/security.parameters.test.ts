// Values travel as parameters, never spliced into SQL: a run id, pipeline, step, error or file name
// holding quotes and SQL ends up stored verbatim by the run audit, the load-once ledger, the run's
// context and the pipeline's own tables, and a landed file whose name is an injection attempt is
// loaded and ledgered like any other, every table still there afterwards.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { claimUnloadedFiles, markClaimedFilesLoadedSql } from '../../lambdas/core/load-ledger.ts';
import { RUN_CONTEXT_TABLE, createRunStagingSql, runStagingTable } from '../../lambdas/core/run-staging.ts';
import { REDLINE_TABLES_SQL, recordStep } from '../../lambdas/core/run-audit.ts';
import { splitStatements } from '../../lambdas/core/sql-tokens.ts';
import { createHandlers } from '../../lambdas/handlers/index.ts';
import { openLocalEnvironment } from '../../lib/local/local-environment.ts';
import { bindTaskStates, runPipelineLocally } from '../../lib/local/runner.ts';
import { definitionOf } from '../../lib/local/state-machine-definition.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { CapturingNotifier } from '../support/capturing-notifier.ts';
import { FIXTURE_SONG } from '../support/sparkify-fixture.ts';
import { fixture, landingFolder, queryWarehouse, runOnLanding } from '../support/bad-input.ts';

type TaskOverrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const QUOTED = "o'brien";
const INJECTION = "o'brien'); DROP TABLE redline_runs; --";
const RUN_TIME = '2026-11-20T12:00:00Z';
const DUMP_KEY = `uploads/user_upload_dump.${QUOTED}.csv`;

/** A user_activity landing folder whose upload dump's name and content hold a quote. */
async function userActivityLanding(): Promise<string> {
  return landingFolder({
    'source/user.csv': await fixture('user-activity/user.csv'),
    'source/activitylog.csv': await fixture('user-activity/activitylog.csv'),
    [DUMP_KEY]: `user_id,file_name,timestamp\n1,${QUOTED}.pdf,1763500000\n`,
  });
}

/** Runs a pipeline's state machine as Step Functions would run an execution named `executionName`. */
async function runExecutionNamed(pipeline: string, executionName: string, dataDir: string, stateDir: string): Promise<void> {
  const environment = await openLocalEnvironment({ dataDir, stateDir, notifier: new CapturingNotifier() });
  try {
    const definition = definitionOf(pipelineNamed(pipeline));
    const execution = new StateMachine(definition as unknown as StateMachineDefinition).run({ runDate: RUN_TIME } as never, {
      overrides: { taskResourceLocalHandlers: bindTaskStates(definition, createHandlers(environment)) as TaskOverrides },
      context: { Execution: { Id: `arn:aws:states:us-east-1:000000000000:execution:redline-${pipeline}:${executionName}`, Name: executionName } },
    });
    await execution.result;
  } finally {
    await environment.close();
  }
}

describe.concurrent('security: values travel as SQL parameters', () => {
  it("stores the run id of an execution named o'brien verbatim in the audit, the ledger and the pipeline's tables", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-security-state-'));

    await runExecutionNamed('user-activity-reports', QUOTED, await userActivityLanding(), stateDir);

    const audit = await queryWarehouse(stateDir, 'SELECT DISTINCT run_id, status FROM redline_runs');
    expect(audit).toEqual([{ run_id: QUOTED, status: 'SUCCEEDED' }]);
    expect(await queryWarehouse(stateDir, 'SELECT file_uri, run_id, loaded_at IS NOT NULL AS loaded FROM redline_loaded_files')).toEqual([
      { file_uri: `s3://redline-landing/${DUMP_KEY}`, run_id: QUOTED, loaded: true },
    ]);
    expect(await queryWarehouse(stateDir, 'SELECT run_id, total_users FROM user_total')).toEqual([{ run_id: QUOTED, total_users: 2 }]);
    expect(await queryWarehouse(stateDir, 'SELECT user_id, file_name FROM user_uploads')).toEqual([{ user_id: 1, file_name: `${QUOTED}.pdf` }]);
  });

  it('stores a pipeline, run id, step, error and file name holding an injection attempt verbatim in the audit and the ledger', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-security-state-'));
    const environment = await openLocalEnvironment({ dataDir: await landingFolder({}), stateDir, notifier: new CapturingNotifier() });
    const context = { runId: INJECTION, step: 'stage' };
    const file = `s3://redline-landing/uploads/${INJECTION}.csv`;
    try {
      await environment.warehouse.executeInTransaction(splitStatements(await environment.sql.read(REDLINE_TABLES_SQL)), context);
      const at = new Date('2026-11-20T12:00:00Z');
      await recordStep(environment.warehouse, {
        runId: INJECTION,
        pipeline: INJECTION,
        runDate: '2026-11-20',
        step: INJECTION,
        startedAt: at,
        endedAt: at,
        status: 'FAILED',
        error: `InvalidInput: ${INJECTION}`,
      });
      expect(await claimUnloadedFiles(environment, INJECTION, 'user_uploads', [file], context)).toEqual([file]);
      const runContext = runStagingTable(RUN_CONTEXT_TABLE, INJECTION);
      await environment.warehouse.executeInTransaction([createRunStagingSql(await environment.sql.read(REDLINE_TABLES_SQL), RUN_CONTEXT_TABLE, INJECTION)], context);
      await environment.warehouse.execute(
        `INSERT INTO ${runContext} (run_id, pipeline, run_date, run_time) VALUES (:run_id, :pipeline, CAST(:run_date AS DATE), CAST(:run_time AS TIMESTAMP))`,
        { run_id: INJECTION, pipeline: INJECTION, run_date: '2026-11-20', run_time: '2026-11-20 12:00:00' },
        context,
      );
      await environment.warehouse.executeInTransaction([markClaimedFilesLoadedSql('user_uploads', INJECTION)], context);
    } finally {
      await environment.close();
    }

    expect(await queryWarehouse(stateDir, 'SELECT run_id, pipeline, step, error FROM redline_runs')).toEqual([
      { run_id: INJECTION, pipeline: INJECTION, step: INJECTION, error: `InvalidInput: ${INJECTION}` },
    ]);
    expect(await queryWarehouse(stateDir, 'SELECT pipeline, file_uri, run_id, loaded_at IS NOT NULL AS loaded FROM redline_loaded_files')).toEqual([
      { pipeline: INJECTION, file_uri: file, run_id: INJECTION, loaded: true },
    ]);
  });

  it("loads and ledgers a landed song file named '; DROP TABLE songs; --.json, every table still there", async () => {
    const hostileKey = "song_data/A/A/B/'; DROP TABLE songs; --.json";
    const dataDir = await landingFolder({
      'song_data/A/A/A/TRAAAAW128F429D538.json': JSON.stringify(FIXTURE_SONG),
      [hostileKey]: JSON.stringify({ ...FIXTURE_SONG, song_id: 'SOHOSTILE12AB0189', title: "O'Brien's Song" }),
      'log_data/2018/11/2018-11-01-events.json': await fixture('sparkify/events-valid.json'),
    });

    const run = await runOnLanding('sparkify', dataDir, '2018-11-01');

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.tables).toEqual({ songplays: 2, users: 2, songs: 2, artists: 1, time: 2, user_upgrade_scores: 0 });
    expect(await queryWarehouse(run.stateDir, "SELECT title FROM songs WHERE song_id = 'SOHOSTILE12AB0189'")).toEqual([{ title: "O'Brien's Song" }]);
    expect(await queryWarehouse(run.stateDir, 'SELECT file_uri FROM redline_loaded_files WHERE loaded_at IS NOT NULL ORDER BY file_uri')).toEqual([
      { file_uri: 's3://redline-landing/song_data/A/A/A/TRAAAAW128F429D538.json' },
      { file_uri: `s3://redline-landing/${hostileKey}` },
    ]);
    expect(run.rawAfter).toEqual(run.rawBefore);
  });

  it("either refuses a local run id its execution records cannot hold before running, or runs and records it", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-security-state-'));

    const result = await runPipelineLocally({
      pipeline: 'user-activity-reports',
      runDate: RUN_TIME,
      runId: QUOTED,
      dataDir: await userActivityLanding(),
      stateDir,
      notifier: new CapturingNotifier(),
    }).then(
      (outcome) => outcome.status,
      (error: Error) => error.name,
    );

    const created = await queryWarehouse(stateDir, "SELECT table_name FROM information_schema.tables WHERE table_name = 'redline_runs'");
    expect([
      { result: 'InvalidInput', ranAnything: false },
      { result: 'SUCCEEDED', ranAnything: true },
    ]).toContainEqual({ result, ranAnything: created.length > 0 });
  });
});
