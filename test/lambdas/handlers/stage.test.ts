// The stage handler's failures: a COPY that cannot decompress a landed gzip object (the local COPY's
// message or Redshift's) fails as CorruptInputFile, an input error naming the object; any other COPY
// failure passes through unchanged.
import { describe, expect, it } from 'vitest';
import { CorruptInputFile, StatementFailed } from '../../../lambdas/core/errors.ts';
import type { Warehouse } from '../../../lambdas/core/ports.ts';
import { createStageHandler } from '../../../lambdas/handlers/stage.ts';
import { MemoryStore, fakeDeps } from '../../support/fake-deps.ts';

const LANDED = 's3://landing/events/event_type=join_guild/dt=2026-11-20/hour=10/join_guild-20261120100000-000001-0a1b2c3d.json.gz';
const MANIFEST = 's3://work/manifests/game-events/r1/join_guild.manifest.json';
const EVENT = { pipeline: 'game-events', runId: 'r1', runDate: '2026-11-20', table: 'join_guild', manifest: MANIFEST };

/** A warehouse where the load-once ledger claims LANDED and the COPY into join_guild fails with `failure`. */
function failingCopyWarehouse(failure: Error): Warehouse {
  return {
    query: async () => [{ file_uri: LANDED }],
    execute: async () => {},
    executeInTransaction: async () => {},
    copy: async (spec) => {
      if (spec.table === 'redline_file_candidates') return { table: spec.table, files: 1, read: 1, loaded: 1, rejected: 0 };
      throw failure;
    },
    loadErrors: async () => [],
    unload: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
}

/** The error of staging join_guild when its COPY fails with `failure`. */
async function stageFailure(failure: Error): Promise<unknown> {
  const store = new MemoryStore();
  await store.put(MANIFEST, JSON.stringify({ entries: [{ url: LANDED, mandatory: true }] }));
  const deps = { ...fakeDeps(failingCopyWarehouse(failure), store), sql: { read: async () => 'CREATE TABLE IF NOT EXISTS join_guild (event_id VARCHAR(36));' } };
  return createStageHandler(deps)(EVENT).catch((error: unknown) => error);
}

describe('stage handler', () => {
  it('fails with CorruptInputFile naming the object when the local COPY cannot decompress a truncated gzip object', async () => {
    const failure = new StatementFailed(`cannot decompress gzip file ${LANDED}: unexpected end of file`);

    const error = await stageFailure(failure);

    expect(error).toBeInstanceOf(CorruptInputFile);
    expect(error).toMatchObject({ name: 'CorruptInputFile', message: failure.message, cause: failure, transient: false });
  });

  it("fails with CorruptInputFile when Redshift's COPY reports a gzip object it cannot inflate", async () => {
    const detail = `stage_join_guild: ERROR: gzip: unexpected end of stream. Unknown zlib error code. zlib error code: -1 context: S3 key being read : ${LANDED}`;

    const error = await stageFailure(new StatementFailed(detail));

    expect(error).toBeInstanceOf(CorruptInputFile);
    expect((error as Error).message).toBe(detail);
  });

  it('lets any other COPY failure through unchanged', async () => {
    const failure = new StatementFailed('COPY into join_guild__r1: Out of Memory Error');

    expect(await stageFailure(failure)).toBe(failure);
  });
});
