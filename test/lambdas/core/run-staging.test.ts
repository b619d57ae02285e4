import { describe, expect, it } from 'vitest';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { createRunStagingSql, dropRunStagingSql, runScopedTables, runStagingTable, scopeToRun } from '../../../lambdas/core/run-staging.ts';

const RUN = 'sparkify-2018-11-01-ab12';
const copy = runStagingTable('staging_events', RUN);

describe('run staging', () => {
  it('GIVEN two runs WHEN their staging copies are named THEN the names differ, are stable and are valid identifiers', () => {
    expect(runStagingTable('staging_events', RUN)).toBe(copy);
    expect(runStagingTable('staging_events', 'sparkify-2018-11-02-cd34')).not.toBe(copy);
    expect(copy).toMatch(/^staging_events__r[0-9a-f]{10}$/);
  });

  it('GIVEN a step SQL WHEN scoped to a run THEN table references point at the copy and nothing else changes', () => {
    const sql = [
      "-- reads staging_events",
      "SELECT e.staging_events, 'staging_events' AS label, :staging_events",
      'FROM STAGING_EVENTS AS e JOIN other.staging_events AS o ON o.id = e.id',
      'WHERE EXISTS (SELECT 1 FROM staging_events)',
    ].join('\n');
    expect(scopeToRun(sql, ['staging_events'], RUN)).toBe(
      [
        '-- reads staging_events',
        "SELECT e.staging_events, 'staging_events' AS label, :staging_events",
        `FROM ${copy} AS e JOIN other.staging_events AS o ON o.id = e.id`,
        `WHERE EXISTS (SELECT 1 FROM ${copy})`,
      ].join('\n'),
    );
  });

  it('GIVEN the schema script WHEN the copy is created THEN it is the staging table DDL under the copy name', () => {
    const schema = 'CREATE TABLE IF NOT EXISTS songs (id INT);\nCREATE TABLE IF NOT EXISTS staging_events (\n  ts TIMESTAMP,\n  page VARCHAR(64)\n) DISTSTYLE EVEN;';
    expect(createRunStagingSql(schema, 'staging_events', RUN)).toBe(
      `CREATE TABLE IF NOT EXISTS ${copy} (\n  ts TIMESTAMP,\n  page VARCHAR(64)\n) DISTSTYLE EVEN`,
    );
    expect(() => createRunStagingSql(schema, 'staging_songs', RUN)).toThrow(/no CREATE TABLE IF NOT EXISTS staging_songs/);
    expect(dropRunStagingSql('staging_events', RUN)).toBe(`DROP TABLE IF EXISTS ${copy}`);
  });

  it("GIVEN a pipeline's sources WHEN listed THEN the run context and only what is staged with 'replace' get per-run copies", () => {
    const spec = {
      sources: [sparkify.sources[0]!, sparkify.sources[1]!],
      flattens: [{ name: 'attempts', prefix: 'a/', flattener: 'assessments' as const, staging: { assessments: 'staging_a' }, filesPerBatch: 1, maxConcurrency: 1 }],
    };
    expect(runScopedTables(spec)).toEqual(['run_context', 'staging_events', 'staging_a']);
  });
});
