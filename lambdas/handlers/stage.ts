// Stage task: COPY the run's planned files into one staging table — emptied first for a
// 'replace' source; for a 'new-files' source only files never loaded before, recorded in the
// load-once ledger after the COPY (a retry after a COPY whose ledger write failed loads those
// files again: the SQL steps dedupe, as they must for the song data's own duplicates).
// Rejected rows stay in the load-errors table; a sample travels with the result.
import type { HandlerDeps } from '../core/deps.ts';
import { copySpecSchema, type CopyResult } from '../core/copy-spec.ts';
import type { LoadErrorSample } from '../core/errors.ts';
import { InvalidInput } from '../core/errors.ts';
import { assetUri } from '../core/locations.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { stageEvent } from './events.ts';
import { recordLoadedFiles, unloadedFiles } from '../core/load-ledger.ts';

export interface StageResult extends CopyResult {
  rejectedSample: LoadErrorSample[];
}

const REJECTED_SAMPLE_SIZE = 5;

export function createStageHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<StageResult> => {
    const event = stageEvent.parse(raw);
    const source = pipelineNamed(event.pipeline).sources.find((s) => s.table === event.table);
    if (!source) throw new InvalidInput(`pipeline ${event.pipeline} has no source table ${event.table}`);
    const { format } = source;
    const context = { runId: event.runId, step: `stage_${source.table}` };
    let manifest = event.manifest;
    let newFiles: string[] = [];
    if (source.load === 'new-files') {
      const planned = manifestEntries(await deps.store.get(event.manifest));
      newFiles = await unloadedFiles(deps, event.pipeline, source.table, planned.map((e) => e.url));
      if (newFiles.length === 0) return { table: source.table, files: 0, read: 0, loaded: 0, rejected: 0, rejectedSample: [] };
      manifest = event.manifest.replace(/\.manifest\.json$/, '.new-files.manifest.json');
      const fresh = new Set(newFiles);
      await deps.store.put(manifest, JSON.stringify({ entries: planned.filter((e) => fresh.has(e.url)) }, null, 1));
    } else {
      await deps.warehouse.executeInTransaction([`TRUNCATE ${source.table}`], context);
    }
    const copy = copySpecSchema.parse({
      table: source.table,
      from: manifest,
      manifest: true,
      format: format.kind === 'json' && format.paths !== 'auto' ? { ...format, paths: assetUri(deps.settings, format.paths) } : format,
      timeFormat: source.timeFormat,
      blanksAsNull: source.blanksAsNull,
      emptyAsNull: source.emptyAsNull,
      gzip: source.gzip,
      maxError: source.maxError,
      iamRole: deps.settings.copyRoleArn,
    });
    const result = await deps.warehouse.copy(copy, context);
    if (newFiles.length > 0) await recordLoadedFiles(deps, event.pipeline, source.table, newFiles, context);
    const rejectedSample =
      result.rejected > 0 ? await deps.warehouse.loadErrors(source.table, context, REJECTED_SAMPLE_SIZE) : [];
    return { ...result, rejectedSample };
  };
}

/** The entries of a COPY manifest the plan task wrote. */
function manifestEntries(body: Buffer): { url: string; mandatory: boolean }[] {
  return (JSON.parse(body.toString('utf8')) as { entries: { url: string; mandatory: boolean }[] }).entries;
}
