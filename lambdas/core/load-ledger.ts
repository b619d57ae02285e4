// The load-once ledger (redline_loaded_files) of sources staged with load 'new-files': which
// files a pipeline has already COPYed into a table, so each file is loaded exactly once. The
// ledger itself is written with a COPY of a small CSV, so it costs one statement however many
// files a run loads, on every engine.
import type { HandlerDeps } from './deps.ts';
import { copySpecSchema } from './copy-spec.ts';
import { ledgerUri } from './locations.ts';
import type { StatementContext } from './ports.ts';

export const LEDGER_TABLE = 'redline_loaded_files';

/** The URIs among `uris` that no run of `pipeline` has loaded into `table` yet. */
export async function unloadedFiles(
  deps: Pick<HandlerDeps, 'warehouse'>,
  pipeline: string,
  table: string,
  uris: readonly string[],
): Promise<string[]> {
  const rows = await deps.warehouse.query(
    `SELECT file_uri FROM ${LEDGER_TABLE} WHERE pipeline = :pipeline AND table_name = :table_name`,
    { pipeline, table_name: table },
  );
  const loaded = new Set(rows.map((r) => r.file_uri));
  return uris.filter((uri) => !loaded.has(uri));
}

/** Records `uris` as loaded into `table` by this run. */
export async function recordLoadedFiles(
  deps: Pick<HandlerDeps, 'warehouse' | 'store' | 'settings'>,
  pipeline: string,
  table: string,
  uris: readonly string[],
  context: StatementContext,
): Promise<void> {
  const rows = uris.map((file) => [pipeline, table, file, context.runId].map(csvField).join(','));
  const csv = ['pipeline,table_name,file_uri,run_id', ...rows];
  const uri = ledgerUri(deps.settings, pipeline, context.runId, table);
  await deps.store.put(uri, `${csv.join('\n')}\n`);
  await deps.warehouse.copy(
    copySpecSchema.parse({
      table: LEDGER_TABLE,
      from: uri,
      format: { kind: 'csv', ignoreHeader: 1 },
      iamRole: deps.settings.copyRoleArn,
    }),
    context,
  );
}

/** RFC 4180: quoted, with quotes doubled. */
function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
