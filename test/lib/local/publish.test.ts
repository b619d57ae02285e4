// Publishing through the real state machine: every result set of the spec lands as Parquet under
// published/<pipeline>/<run date>/<name>/, reading the Parquet back gives the query's rows, and
// the summarize task writes the run's HTML report, with a chart per result set, beside them.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { runPipelineLocally } from '../../../lib/local/runner.ts';
import { SqlFolder } from '../../../lib/local/sql-folder.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { generateSparkifySample } from '../../../lib/generators/sparkify.ts';
import { fingerprint } from '../../support/fingerprint.ts';

describe('publish', () => {
  it("writes every result set as Parquet that reads back as the query's rows, replaced on a re-run, and the run's report beside them", async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'redline-publish-')), 'sparkify');
    // enough events on the first day for enough users to upgrade that the upgrade model trains and scores
    await generateSparkifySample({ outDir: dataDir, events: 20_000, days: 3, seed: 4 });
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-publish-state-'));
    await runPipelineLocally({ pipeline: 'sparkify', runDate: '2018-11-01', dataDir, stateDir });
    const outcome = await runPipelineLocally({ pipeline: 'sparkify', runDate: '2018-11-01', dataDir, stateDir });
    expect(outcome.status).toBe('SUCCEEDED');

    const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
    try {
      const sql = new SqlFolder();
      for (const result of sparkify.publish) {
        const folder = join(stateDir, 'work-bucket', 'published', 'sparkify', '2018-11-01', result.name);
        const published = await warehouse.query(`SELECT * FROM read_parquet('${join(folder, '*.parquet')}')`);
        const expected = await warehouse.query(await sql.read(result.sql));
        expect(published.length, result.name).toBeGreaterThan(0);
        expect(fingerprint(published), result.name).toEqual(fingerprint(expected));
      }
    } finally {
      await warehouse.close();
    }
    const report = await readFile(join(stateDir, 'work-bucket', 'published', 'sparkify', '2018-11-01', 'report.html'), 'utf8');
    for (const result of sparkify.publish) expect(report, result.name).toContain(`data-chart="${result.name}"`);
  });
});
