// user_activity through its real state machines: exact report rows on a hand-built fixture,
// re-runs that change nothing but user_total, the init workflow, and generator rounds.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateUserActivityRound } from '../../../lib/generators/user-activity.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import type { Row } from '../../../lambdas/core/ports.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';

const RUN_TIME = '2026-11-20T12:00:00Z';

/** Users 1, 2, 3 (no activity) and 5; user 4 was deleted, its activity kept with no user. */
async function writeFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'redline-ua-'));
  await mkdir(join(dir, 'source'));
  await mkdir(join(dir, 'uploads'));
  await writeFile(join(dir, 'source', 'user.csv'), 'id,name\n1,Ada Lovelace\n2,"Hopper, Grace"\n3,Carol Shaw\n5,Erin Catto\n');
  await writeFile(
    join(dir, 'source', 'activitylog.csv'),
    [
      'id,user_id,type,timestamp',
      '1,1,INSERT,2026-11-17 09:00:00',
      '2,1,UPDATE,2026-11-18 12:00:00', // exactly two days before the run: active
      '3,1,DELETE,2026-11-18 12:00:00', // same time as 2: the higher id is the latest
      '4,2,UPDATE,2026-11-18 11:59:59', // one second too early: not active
      '5,2,UPDATE,2026-11-10 08:00:00',
      '6,,INSERT,2026-11-19 10:00:00', // user 4's, deleted: orphaned
      '7,5,INSERT,2026-11-20 11:00:00',
      '8,5,UPDATE,2026-11-20 11:00:00',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'uploads', 'user_upload_dump.1763550000.csv'),
    'user_id,file_name,timestamp\n1,a.pdf,1763500000\n1,b.png,1763500100\n2,c.pdf,1763500200\n4,d.pdf,1763500300\n',
  );
  await writeFile(join(dir, 'uploads', 'user_upload_dump.1763600000.csv'), 'user_id,file_name,timestamp\n1,e.pdf,1763590000\n5,f.png,1763590100\n');
  return dir;
}

async function run(pipeline: string, dataDir: string, stateDir: string, runDate = RUN_TIME, sourceDatabaseUrl?: string): Promise<RunOutcome> {
  const notifier = new CapturingNotifier();
  const outcome = await runPipelineLocally({ pipeline, runDate, dataDir, stateDir, notifier, ...(sourceDatabaseUrl ? { sourceDatabaseUrl } : {}) });
  expect(notifier.alerts, `${pipeline} alerts`).toEqual([]);
  expect(outcome.status, `${pipeline}: ${outcome.error?.message}`).toBe('SUCCEEDED');
  return outcome;
}

async function query(stateDir: string, sql: string): Promise<Row[]> {
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

const report = (stateDir: string) =>
  query(
    stateDir,
    'SELECT user_id, total_updates, total_inserts, total_deletes, last_activity_type, is_active, upload_count FROM user_report ORDER BY user_id',
  );
const totals = (stateDir: string) => query(stateDir, 'SELECT time_ran, total_users, users_added FROM user_total ORDER BY time_ran, users_added DESC');

describe('user-activity-reports on a hand-built fixture', () => {
  it('builds exactly the expected user_report and user_total rows', async () => {
    const dataDir = await writeFixture();
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-ua-state-'));
    await run('user-activity-init', dataDir, stateDir);

    const outcome = await run('user-activity-reports', dataDir, stateDir);

    expect(await report(stateDir)).toEqual([
      { user_id: 1, total_updates: 1, total_inserts: 1, total_deletes: 1, last_activity_type: 'DELETE', is_active: true, upload_count: 3 },
      { user_id: 2, total_updates: 2, total_inserts: 0, total_deletes: 0, last_activity_type: 'UPDATE', is_active: false, upload_count: 1 },
      { user_id: 3, total_updates: 0, total_inserts: 0, total_deletes: 0, last_activity_type: null, is_active: false, upload_count: 0 },
      { user_id: 5, total_updates: 1, total_inserts: 1, total_deletes: 0, last_activity_type: 'UPDATE', is_active: true, upload_count: 1 },
    ]);
    expect(await totals(stateDir)).toEqual([{ time_ran: '2026-11-20T12:00:00.000Z', total_users: 4, users_added: 4 }]);
    expect(outcome.tables).toEqual({ user_report: 4, user_total: 1, users: 4, activitylog: 8, user_uploads: 6 });
    expect(outcome.checks.every((c) => c.passed)).toBe(true);
  });

  it('changes nothing but appending a user_total row when run again on unchanged sources', async () => {
    const dataDir = await writeFixture();
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-ua-state-'));
    await run('user-activity-reports', dataDir, stateDir);
    const first = await report(stateDir);

    const again = await run('user-activity-reports', dataDir, stateDir);

    expect(await report(stateDir)).toEqual(first);
    expect(again.tables).toEqual({ user_report: 4, user_total: 2, users: 4, activitylog: 8, user_uploads: 6 });
    expect(again.loads.find((l) => l.table === 'staging_uploads')).toMatchObject({ files: 0, read: 0 });
    expect((await totals(stateDir)).map((t) => t.users_added)).toEqual([4, 0]);
  });

  it('starts the import over after init, which is itself safe to run twice', async () => {
    const dataDir = await writeFixture();
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-ua-state-'));
    await run('user-activity-reports', dataDir, stateDir);
    await run('user-activity-init', dataDir, stateDir);
    await run('user-activity-init', dataDir, stateDir);
    expect(await query(stateDir, 'SELECT COUNT(*) AS n FROM activitylog')).toEqual([{ n: 0 }]);

    const reimported = await run('user-activity-reports', dataDir, stateDir);

    expect(reimported.tables).toMatchObject({ activitylog: 8, user_uploads: 6, user_report: 4 });
    expect((await totals(stateDir)).map((t) => t.users_added)).toEqual([4, 4]);
  });
});

describe('user-activity-reports after generator rounds', () => {
  it('counts in user_total the users each round added, and imports only new activity', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-ua-gen-'));
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-ua-state-'));
    const clocks = ['2026-11-20T12:00:00Z', '2026-11-21T12:00:00Z', '2026-11-22T12:00:00Z'];
    const outcomes: RunOutcome[] = [];
    for (const clock of clocks) {
      await generateUserActivityRound({ outDir: dataDir, clock: new Date(clock), seed: 3 });
      outcomes.push(await run('user-activity-reports', dataDir, stateDir, clock));
    }

    expect(await totals(stateDir)).toEqual([
      { time_ran: '2026-11-20T12:00:00.000Z', total_users: 10, users_added: 10 },
      { time_ran: '2026-11-21T12:00:00.000Z', total_users: 18, users_added: 10 },
      { time_ran: '2026-11-22T12:00:00.000Z', total_users: 26, users_added: 10 },
    ]);
    expect(outcomes.map((o) => o.tables.activitylog)).toEqual([50, 100, 150]);
    expect(outcomes.map((o) => o.loads.find((l) => l.table === 'staging_uploads')?.files)).toEqual([1, 1, 1]);
  });
});
