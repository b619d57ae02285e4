// Stage task: COPY the run's planned files into one staging table — for a 'replace' source the
// run's own copy of it, created from the schema file's DDL and emptied first (a retried or
// redriven stage starts over); for a 'new-files' source only files never loaded before, recorded in the
// load-once ledger after the COPY (a retry after a COPY whose ledger write failed loads those
// files again: the SQL steps dedupe, as they must for the song data's own duplicates).
// Rejected rows stay in the load-errors table; a sample travels with the result. A COPY that cannot
// decompress one of its files (a truncated or corrupt gzip object) fails with CorruptInputFile, an
// input error naming the file, not retried.
import type { HandlerDeps } from '../core/deps.ts';
import { copySpecSchema, type CopyResult } from '../core/copy-spec.ts';
import { CorruptInputFile, InvalidInput, StatementFailed, type LoadErrorSample } from '../core/errors.ts';
import { assetUri } from '../core/locations.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { stageEvent } from './events.ts';
import { claimUnloadedFiles, markClaimedFilesLoadedSql } from '../core/load-ledger.ts';
import { createRunStagingSql, runStagingTable } from '../core/run-staging.ts';
import { stagedTables } from '../core/staged-tables.ts';

export interface StageResult extends CopyResult {
  rejectedSample: LoadErrorSample[];
}

const REJECTED_SAMPLE_SIZE = 5;

/**
 * How a COPY reports a source file it cannot decompress: the local COPY's "cannot decompress gzip
 * file <uri>: …", Redshift's "gzip: unexpected end of stream … zlib error code: …".
 */
const CORRUPT_COMPRESSED_FILE = /cannot decompress gzip file|\bgzip: |zlib error code/i;

export function createStageHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<StageResult> => {
    const event = stageEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const source = stagedTables(spec).find((s) => s.table === event.table);
    if (!source) throw new InvalidInput(`pipeline ${event.pipeline} has no source table ${event.table}`);
    const { format } = source;
    const context = { runId: event.runId, step: `stage_${source.table}` };
    let manifest = event.manifest;
    // Every COPY lands in the run's own copy of the table, emptied first, so a retried stage starts over.
    const target = runStagingTable(source.table, event.runId);
    const create = createRunStagingSql(await deps.sql.read(spec.schema), source.table, event.runId);
    await deps.warehouse.executeInTransaction([create, `TRUNCATE ${target}`], context);
    const planned = manifestEntries(await deps.store.get(event.manifest));
    if (source.load === 'new-files') {
      const claimed = new Set(await claimUnloadedFiles(deps, event.pipeline, source.table, planned.map((e) => e.url), context));
      const fresh = planned.filter((e) => claimed.has(e.url));
      if (fresh.length === 0) return { table: source.table, files: 0, read: 0, loaded: 0, rejected: 0, rejectedSample: [] };
      manifest = event.manifest.replace(/\.manifest\.json$/, '.new-files.manifest.json');
      await deps.store.put(manifest, JSON.stringify({ entries: fresh }, null, 1));
    } else if (planned.length === 0) {
      return { table: source.table, files: 0, read: 0, loaded: 0, rejected: 0, rejectedSample: [] };
    }
    const copy = copySpecSchema.parse({
      table: target,
      from: manifest,
      manifest: true,
      format: format.kind === 'json' && format.paths !== 'auto' ? { ...format, paths: assetUri(deps.settings, format.paths) } : format,
      ...(source.columns ? { columns: source.columns } : {}),
      timeFormat: source.timeFormat,
      blanksAsNull: source.blanksAsNull,
      emptyAsNull: source.emptyAsNull,
      gzip: source.gzip,
      maxError: source.maxError,
      iamRole: deps.settings.copyRoleArn,
    });
    const result = await deps.warehouse.copy(copy, context).catch((error: unknown) => {
      throw asCorruptInputFile(error);
    });
    if (source.load === 'new-files') {
      // The new rows join the table and their files are marked loaded in one transaction: a retry
      // after it finds no unloaded claim and loads nothing twice.
      await deps.warehouse.executeInTransaction(
        [`INSERT INTO ${source.table} SELECT * FROM ${target}`, markClaimedFilesLoadedSql(source.table, event.runId)],
        context,
      );
    }
    const rejectedSample = result.rejected > 0 ? await deps.warehouse.loadErrors(target, context, REJECTED_SAMPLE_SIZE) : [];
    return { ...result, table: source.table, rejectedSample };
  };
}

/** A COPY's failure to decompress a source file as the input error it is; any other error unchanged. */
function asCorruptInputFile(error: unknown): unknown {
  if (!(error instanceof StatementFailed) || !CORRUPT_COMPRESSED_FILE.test(error.message)) return error;
  return new CorruptInputFile(error.message, { cause: error });
}

/** The entries of a COPY manifest the plan task wrote. */
function manifestEntries(body: Buffer): { url: string; mandatory: boolean }[] {
  return (JSON.parse(body.toString('utf8')) as { entries: { url: string; mandatory: boolean }[] }).entries;
}
