// The clean task on the embedded warehouse: each cleaning rule on its fixture (test/fixtures/cleaning/),
// with the rows kept, the rows quarantined with their rule, reason and whole row, and the counts
// reconciled (read = loaded + rejected); the one transaction (a failure changes nothing), the
// threshold (failing the run after the quarantine is committed), idempotence, and the run audit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerDeps } from '../../../lambdas/core/deps.ts';
import { CleaningCountsMismatch, CleaningThresholdExceeded, InvalidInput, StatementFailed, WarehouseThrottled } from '../../../lambdas/core/errors.ts';
import type { Warehouse } from '../../../lambdas/core/ports.ts';
import { runStagingTable } from '../../../lambdas/core/run-staging.ts';
import { createCleanHandler, type CleanResult } from '../../../lambdas/handlers/clean.ts';
import { createHandlers } from '../../../lambdas/handlers/index.ts';
import { openLocalEnvironment, type LocalEnvironment } from '../../../lib/local/local-environment.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import {
  cleaningFixture,
  fixtureSql,
  quarantineOf,
  startRun,
  visitsOf,
  visitsTable,
  VISITS,
  type Scenario,
} from '../../support/cleaning-fixture.ts';

let dir: string;
let environment: LocalEnvironment;
let deps: HandlerDeps;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redline-clean-'));
  environment = await openLocalEnvironment({ dataDir: join(dir, 'data'), stateDir: join(dir, 'state'), notifier: new CapturingNotifier() });
  deps = { ...environment, sql: fixtureSql() };
});

afterAll(async () => {
  await environment?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A new run whose copy of staging_visits holds the scenario's rows; returns its id. */
async function runWith(scenario: Scenario): Promise<string> {
  const runId = `clean-test-${++runs}`;
  await startRun(deps, runId, await visitsOf(scenario));
  return runId;
}

function clean(runId: string, step: string): Promise<CleanResult> {
  return createCleanHandler(deps)({ pipeline: cleaningFixture.name, runId, runDate: '2018-11-01', step });
}

/** The column of every row of the run's table. */
async function columnOf(runId: string, column: string): Promise<unknown[]> {
  return (await visitsTable(deps.warehouse, runId)).map((r) => r[column]);
}

describe('clean task: normalisations', () => {
  it('GIVEN padded text WHEN trimmed THEN leading and trailing blanks go (only blanks, as Redshift TRIM) and every row stays', async () => {
    const runId = await runWith('trim');
    expect(await clean(runId, 'trim_names')).toEqual({
      step: 'trim_names',
      table: VISITS,
      read: 3,
      loaded: 3,
      rejected: 0,
      quarantinedByRule: {},
    });
    expect(await columnOf(runId, 'name')).toEqual(['Ada', 'Ada', '\tGrace']);
    expect(await columnOf(runId, 'user_id')).toEqual(['7', '7', '8']);
    expect(await quarantineOf(deps.warehouse, runId)).toEqual([]);
  });

  it('GIVEN empty and blank strings WHEN trimmed then emptied to NULL THEN both become NULL and every row stays', async () => {
    const runId = await runWith('emptyAsNull');
    expect(await clean(runId, 'empty_as_null')).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(await columnOf(runId, 'name')).toEqual([null, 'Ada']);
    expect(await columnOf(runId, 'user_id')).toEqual([null, '7']);
  });

  it('GIVEN mixed case WHEN normalised THEN level is trimmed and lower case and gender upper case', async () => {
    const runId = await runWith('caseNormalisation');
    expect(await clean(runId, 'recase')).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(await columnOf(runId, 'level')).toEqual(['paid', 'free']);
    expect(await columnOf(runId, 'gender')).toEqual(['F', 'M']);
  });
});

describe('clean task: constraints', () => {
  it('GIVEN a row without a page WHEN notNull(page) holds THEN it is quarantined whole, with the rule and the reason', async () => {
    const runId = await runWith('notNull');
    expect(await clean(runId, 'page_required')).toEqual({
      step: 'page_required',
      table: VISITS,
      read: 3,
      loaded: 2,
      rejected: 1,
      quarantinedByRule: { 'notNull(page)': 1 },
    });
    expect(await columnOf(runId, 'item')).toEqual([0, 2]);
    expect(await quarantineOf(deps.warehouse, runId)).toEqual([
      {
        step: 'page_required',
        table: VISITS,
        rule: 'notNull(page)',
        reason: 'page is NULL',
        row: {
          session_id: 1,
          item: 1,
          user_id: '7',
          name: null,
          level: null,
          gender: null,
          page: null,
          status: 200,
          length: 218.5,
          ts: '2018-11-01 10:01:00.25',
        },
      },
    ]);
  });

  it("GIVEN a level outside free/paid WHEN acceptedValues(level) holds THEN it is quarantined naming the value; a NULL level passes", async () => {
    const runId = await runWith('acceptedValues');
    expect(await clean(runId, 'known_levels')).toMatchObject({ read: 4, loaded: 3, rejected: 1, quarantinedByRule: { 'acceptedValues(level)': 1 } });
    expect(await columnOf(runId, 'level')).toEqual(['free', 'paid', null]);
    const [quarantined] = await quarantineOf(deps.warehouse, runId);
    expect(quarantined).toMatchObject({ rule: 'acceptedValues(level)', reason: "level is 'gold', not one of 'free', 'paid'", row: { item: 1, level: 'gold' } });
  });

  it('GIVEN statuses outside 100..599 WHEN range(status) holds THEN they are quarantined naming the value; bounds and NULL pass', async () => {
    const runId = await runWith('range');
    expect(await clean(runId, 'http_status')).toMatchObject({ read: 5, loaded: 3, rejected: 2, quarantinedByRule: { 'range(status)': 2 } });
    expect(await columnOf(runId, 'status')).toEqual([200, null, 599]);
    expect((await quarantineOf(deps.warehouse, runId)).map((q) => q.reason)).toEqual([
      'status is 700, not between 100 and 599',
      'status is 99, not between 100 and 599',
    ]);
  });

  it('GIVEN a NextSong without a user WHEN the expression holds THEN it is quarantined; an expression that is NULL counts as broken', async () => {
    const runId = await runWith('expression');
    expect(await clean(runId, 'plays_have_users')).toMatchObject({ read: 4, loaded: 2, rejected: 2, quarantinedByRule: { next_song_has_user: 2 } });
    expect(await columnOf(runId, 'item')).toEqual([0, 2]);
    expect((await quarantineOf(deps.warehouse, runId)).map((q) => [q.rule, q.reason])).toEqual([
      ['next_song_has_user', "next_song_has_user is NULL for user_id = NULL, page = NULL"],
      ['next_song_has_user', "next_song_has_user is false for user_id = NULL, page = 'NextSong'"],
    ]);
  });

  it('GIVEN a row breaking two constraints WHEN cleaned THEN it is quarantined once, by the first it breaks in the spec', async () => {
    const runId = await runWith('firstBrokenRule');
    expect(await clean(runId, 'two_rules')).toMatchObject({
      read: 3,
      loaded: 1,
      rejected: 2,
      quarantinedByRule: { 'notNull(page)': 1, 'acceptedValues(level)': 1 },
    });
    expect((await quarantineOf(deps.warehouse, runId)).map((q) => [q.rule, q.row.item])).toEqual([
      ['acceptedValues(level)', 1],
      ['notNull(page)', 0],
    ]);
  });
});

describe('clean task: dedupe', () => {
  it('GIVEN rows sharing a key WHEN deduped THEN the greatest ts stays (NULL last, ties by the other columns) and the others are quarantined', async () => {
    const runId = await runWith('dedupe');
    expect(await clean(runId, 'one_per_item')).toMatchObject({
      read: 6,
      loaded: 3,
      rejected: 3,
      quarantinedByRule: { 'dedupe(session_id, item)': 3 },
    });
    const kept = await visitsTable(deps.warehouse, runId);
    expect(kept.map((r) => [r.session_id, r.item, r.page, r.ts])).toEqual([
      [1, 0, 'Home', '2018-11-01T10:05:00.000Z'],
      [1, 1, 'About', '2018-11-01T10:06:00.000Z'],
      [2, 0, 'Home', '2018-11-01T10:07:00.000Z'],
    ]);
    expect((await quarantineOf(deps.warehouse, runId)).map((q) => q.reason)).toEqual([
      "duplicate of session_id = 1, item = 0: kept the row with the greatest ts, 2018-11-01 10:05:00; this row's ts is 2018-11-01 10:00:00",
      "duplicate of session_id = 1, item = 0: kept the row with the greatest ts, 2018-11-01 10:05:00; this row's ts is NULL",
      "duplicate of session_id = 1, item = 1: kept the row with the greatest ts, 2018-11-01 10:06:00; this row's ts is 2018-11-01 10:06:00",
    ]);
  });

  it('GIVEN a later duplicate that breaks a constraint WHEN cleaned THEN it is quarantined by the constraint and the valid row stays', async () => {
    const runId = await runWith('dedupeAfterConstraints');
    expect(await clean(runId, 'valid_then_unique')).toMatchObject({ read: 2, loaded: 1, rejected: 1, quarantinedByRule: { 'acceptedValues(level)': 1 } });
    expect(await columnOf(runId, 'level')).toEqual(['free']);
  });
});

describe('clean task: the run', () => {
  it('GIVEN every rule at once WHEN cleaned THEN normalisation comes first and counts reconcile: read = kept + quarantined by rule', async () => {
    const runId = await runWith('everything');
    const result = await clean(runId, 'visits');
    expect(result).toEqual({
      step: 'visits',
      table: VISITS,
      read: 8,
      loaded: 3,
      rejected: 5,
      quarantinedByRule: {
        'acceptedValues(level)': 1,
        'dedupe(session_id, item)': 1,
        next_song_has_user: 1,
        'notNull(page)': 1,
        'range(status)': 1,
      },
    });
    expect(result.read).toBe(result.loaded + Object.values(result.quarantinedByRule).reduce((a, b) => a + b, 0));
    expect((await visitsTable(deps.warehouse, runId)).map((r) => [r.session_id, r.item, r.user_id, r.name, r.level, r.gender])).toEqual([
      [1, 0, '7', 'Ada', 'free', 'F'],
      [1, 1, '7', 'Ada', 'paid', 'F'],
      [2, 0, null, null, 'free', null],
    ]);
    const notNull = (await quarantineOf(deps.warehouse, runId)).find((q) => q.rule === 'notNull(page)');
    expect(notNull?.row.name).toBe('O\'Brien "Lin"');
  });

  it('GIVEN a step whose SQL fails midway WHEN cleaned THEN nothing changes: the table keeps its rows untrimmed and the quarantine stays empty', async () => {
    const runId = await runWith('trim');
    const before = await visitsTable(deps.warehouse, runId);
    await expect(clean(runId, 'failing')).rejects.toBeInstanceOf(StatementFailed);
    expect(await visitsTable(deps.warehouse, runId)).toEqual(before);
    expect(await quarantineOf(deps.warehouse, runId)).toEqual([]);
  });

  it('GIVEN more quarantined rows than maxQuarantinedRatio WHEN cleaned THEN CleaningThresholdExceeded fails the run, after the quarantine is committed', async () => {
    const runId = await runWith('acceptedValues');
    const error = await clean(runId, 'strict_levels').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleaningThresholdExceeded);
    expect(error).toMatchObject({ name: 'CleaningThresholdExceeded', transient: false, read: 4, quarantined: 1, maxRatio: 0.2 });
    expect((error as Error).message).toBe(
      `cleaning step strict_levels quarantined 1 of 4 row(s) of ${VISITS}, over maxQuarantinedRatio 0.2 (the rows are in redline_quarantine): acceptedValues(level) 1`,
    );
    expect(await columnOf(runId, 'level')).toEqual(['free', 'paid', null]);
    expect(await quarantineOf(deps.warehouse, runId)).toHaveLength(1);
  });

  it('GIVEN a cleaned table WHEN cleaned again in the same run THEN nothing new is quarantined and the result is the same', async () => {
    const runId = await runWith('everything');
    const first = await clean(runId, 'visits');
    const table = await visitsTable(deps.warehouse, runId);
    const quarantine = await quarantineOf(deps.warehouse, runId);

    expect(await clean(runId, 'visits')).toEqual(first);
    expect(await visitsTable(deps.warehouse, runId)).toEqual(table);
    expect(await quarantineOf(deps.warehouse, runId)).toEqual(quarantine);
  });

  it('GIVEN a transient failure after the commit WHEN the task is retried THEN it reports what the first attempt did, quarantining nothing twice', async () => {
    const runId = await runWith('everything');
    const flaky = throttledOnceAfterCommit(deps.warehouse);
    const event = { pipeline: cleaningFixture.name, runId, runDate: '2018-11-01', step: 'visits' };

    await expect(createCleanHandler({ ...deps, warehouse: flaky })(event)).rejects.toBeInstanceOf(WarehouseThrottled);
    expect(await createCleanHandler({ ...deps, warehouse: flaky })(event)).toMatchObject({ read: 8, loaded: 3, rejected: 5 });
    expect(await quarantineOf(deps.warehouse, runId)).toHaveLength(5);
  });

  it('GIVEN a row lost by the table during the cleaning WHEN the counts are reconciled THEN CleaningCountsMismatch names them', async () => {
    const runId = await runWith('notNull');
    const losesARow: Warehouse = withTransaction(deps.warehouse, async (statements, context) => {
      await deps.warehouse.executeInTransaction([...statements, `DELETE FROM ${runStagingTable(VISITS, runId)} WHERE item = 0`], context);
    });
    const error = await createCleanHandler({ ...deps, warehouse: losesARow })({ pipeline: cleaningFixture.name, runId, runDate: '2018-11-01', step: 'page_required' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleaningCountsMismatch);
    expect((error as Error).message).toBe(`cleaning step page_required: ${runStagingTable(VISITS, runId)} held 3 row(s), kept 1 and quarantined 1`);
  });

  it('GIVEN a threshold failure WHEN the step is attempted again THEN it fails again: the run is judged on all it quarantined', async () => {
    const runId = await runWith('acceptedValues');
    await expect(clean(runId, 'strict_levels')).rejects.toBeInstanceOf(CleaningThresholdExceeded);
    await expect(clean(runId, 'strict_levels')).rejects.toMatchObject({ read: 4, quarantined: 1 });
  });

  it('GIVEN the registered handlers WHEN a clean task runs THEN the run audit records clean_<step> with read, loaded and rejected', async () => {
    const runId = await runWith('notNull');
    await createHandlers(deps).clean({ pipeline: cleaningFixture.name, runId, runDate: '2018-11-01', step: 'page_required' });
    expect(
      await deps.warehouse.query('SELECT step, status, rows_read, rows_loaded, rows_rejected FROM redline_runs WHERE run_id = :run_id', { run_id: runId }),
    ).toEqual([{ step: 'clean_page_required', status: 'SUCCEEDED', rows_read: 3, rows_loaded: 2, rows_rejected: 1 }]);
  });

  it('GIVEN a step that is not a cleaning step, or no step at all, WHEN asked to clean THEN InvalidInput, before any work', async () => {
    const runId = await runWith('trim');
    await expect(clean(runId, 'nope')).rejects.toBeInstanceOf(InvalidInput);
    await expect(createCleanHandler(deps)({ pipeline: cleaningFixture.name, runId, runDate: 'yesterday', step: 'trim_names' })).rejects.toThrow(/run date/);
  });
});

/** `warehouse`, but the first query after a committed transaction fails as a throttle would. */
function throttledOnceAfterCommit(warehouse: Warehouse): Warehouse {
  let committed = false;
  let thrown = false;
  const throttled = withTransaction(warehouse, async (statements, context) => {
    await warehouse.executeInTransaction(statements, context);
    committed = true;
  });
  return {
    ...throttled,
    query: async (sql, params) => {
      if (committed && !thrown) {
        thrown = true;
        throw new WarehouseThrottled('injected: Rate exceeded, after the commit');
      }
      return warehouse.query(sql, params);
    },
  };
}

/** `warehouse` with its transactions run by `executeInTransaction`. */
function withTransaction(warehouse: Warehouse, executeInTransaction: Warehouse['executeInTransaction']): Warehouse {
  return {
    executeInTransaction,
    query: (sql, params) => warehouse.query(sql, params),
    execute: (sql, params, context) => warehouse.execute(sql, params, context),
    copy: (spec, context) => warehouse.copy(spec, context),
    loadErrors: (table, context, limit) => warehouse.loadErrors(table, context, limit),
    unload: (spec, context) => warehouse.unload(spec, context),
    close: () => warehouse.close(),
  };
}
