// Local backfill: dates run concurrently, each run in its own staging copies, give the very
// tables a one-date-at-a-time backfill gives, and leave no staging copy behind.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSparkifySample } from '../../../lib/generators/sparkify.ts';
import { backfillLocally, datesBetween } from '../../../lib/local/backfill.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { fingerprintTables } from '../../support/fingerprint.ts';

async function backfill(dataDir: string, concurrency: number) {
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-backfill-'));
  const notifier = new CapturingNotifier();
  const started: string[] = [];
  const outcomes = await backfillLocally({
    pipeline: 'sparkify',
    from: '2018-11-01',
    to: '2018-11-06',
    dataDir,
    stateDir,
    notifier,
    concurrency,
    onRun: (o) => started.push(o.runDate),
  });
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    const tables = await fingerprintTables(warehouse, sparkify.reportTables);
    const leftovers = await warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%\\_\\_r%' ESCAPE '\\'");
    return { outcomes, tables, leftovers, notifier, finished: started };
  } finally {
    await warehouse.close();
  }
}

describe('local backfill', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'redline-backfill-data-')), 'sparkify');
    await generateSparkifySample({ outDir: dataDir, events: 4_000, days: 6, seed: 11 });
  });

  it('runs four dates at once into the same tables as one date at a time, every date succeeding, no staging copy left', async () => {
    const serial = await backfill(dataDir, 1);
    const concurrent = await backfill(dataDir, 4);

    expect(concurrent.outcomes.map((o) => [o.runDate, o.status])).toEqual(datesBetween('2018-11-01', '2018-11-06').map((d) => [d, 'SUCCEEDED']));
    expect(concurrent.notifier.alerts).toEqual([]);
    expect(concurrent.tables).toEqual(serial.tables);
    expect(concurrent.tables.songplays?.rows).toBeGreaterThan(0);
    expect(concurrent.leftovers).toEqual([]);
  });

  it('refuses a concurrency below one', async () => {
    await expect(backfillLocally({ pipeline: 'sparkify', from: '2018-11-01', to: '2018-11-02', dataDir, stateDir: dataDir, concurrency: 0 })).rejects.toThrow(
      /concurrency must be a whole number of at least 1/,
    );
  });
});
