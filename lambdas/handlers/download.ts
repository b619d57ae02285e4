// Download task: the first of a run whose spec declares downloads. Lands one declared file from
// its URL in the landing bucket (see core/download.ts), where the sources read it. It runs before
// Create tables, so it creates redline's own tables first (all IF NOT EXISTS): the run audit
// records the download.
import type { HandlerDeps } from '../core/deps.ts';
import { downloadToLanding, type DownloadOptions, type DownloadResult } from '../core/download.ts';
import { InvalidInput } from '../core/errors.ts';
import { REDLINE_TABLES_SQL } from '../core/run-audit.ts';
import { splitStatements } from '../core/sql-tokens.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import type { PipelineSpec } from '../../lib/pipelines/spec.ts';
import { downloadEvent } from './events.ts';

export interface DownloadHandlerOptions {
  /**
   * Resolves the event's pipeline to its spec.
   * @default the registry's pipelineNamed
   */
  readonly specNamed?: (name: string) => PipelineSpec;
  /** Retries, backoff and timeout of the transfer (see DownloadOptions). */
  readonly transfer?: DownloadOptions;
}

export function createDownloadHandler(deps: HandlerDeps, options: DownloadHandlerOptions = {}) {
  const specNamed = options.specNamed ?? pipelineNamed;
  return async (raw: unknown): Promise<DownloadResult> => {
    const event = downloadEvent.parse(raw);
    const spec = specNamed(event.pipeline);
    const download = spec.downloads.find((d) => d.name === event.download);
    if (!download) throw new InvalidInput(`pipeline ${spec.name} declares no download '${event.download}'`);
    const context = { runId: event.runId, step: `download_${download.name}` };
    await deps.warehouse.executeInTransaction(splitStatements(await deps.sql.read(REDLINE_TABLES_SQL)), context);
    return downloadToLanding(deps.store, deps.settings, download, event.runDate, options.transfer);
  };
}
