// The load-once ledger (redline_loaded_files) of sources staged with load 'new-files': which
// files a pipeline has COPYed into a table, so each file is loaded once, whatever runs overlap.
// A run claims files in one INSERT … SELECT (atomic: on Redshift two overlapping claims collide
// as a serialization conflict and the loser is retried), COPYs only the files it claimed, then
// appends their rows and marks them loaded in one transaction (see the stage task). A retried or resumed run keeps its own claims; a claim never marked loaded
// expires after CLAIM_LEASE_MINUTES, so files held by a run that died are loaded by a later one.
import type { HandlerDeps } from './deps.ts';
import { copySpecSchema } from './copy-spec.ts';
import { ledgerUri } from './locations.ts';
import type { StatementContext } from './ports.ts';
import { RUN_CONTEXT_TABLE, runStagingTable } from './run-staging.ts';
import { sqlIdentifier } from '../../lib/pipelines/spec.ts';

export const LEDGER_TABLE = 'redline_loaded_files';
const CANDIDATES_TABLE = 'redline_file_candidates';

/** Longer than a stage task may run (its 15-minute timeout, retries included). */
export const CLAIM_LEASE_MINUTES = 90;

type LedgerDeps = Pick<HandlerDeps, 'warehouse' | 'store' | 'settings'>;

/**
 * Claims, for this run, the URIs among `uris` that no run has loaded into `table` and no other
 * run holds a live claim on, and returns every URI this run holds unloaded claims on: the files
 * it must COPY now.
 */
export async function claimUnloadedFiles(
  deps: LedgerDeps,
  pipeline: string,
  table: string,
  uris: readonly string[],
  context: StatementContext,
): Promise<string[]> {
  const mine = { pipeline, table_name: table, run_id: context.runId };
  await deps.warehouse.execute(
    `DELETE FROM ${CANDIDATES_TABLE} WHERE pipeline = :pipeline AND table_name = :table_name AND run_id = :run_id`,
    mine,
    context,
  );
  if (uris.length > 0) {
    const uri = ledgerUri(deps.settings, pipeline, context.runId, table);
    const rows = uris.map((file) => [pipeline, table, file, context.runId].map(csvField).join(','));
    await deps.store.put(uri, `${['pipeline,table_name,file_uri,run_id', ...rows].join('\n')}\n`);
    await deps.warehouse.copy(
      copySpecSchema.parse({ table: CANDIDATES_TABLE, from: uri, format: { kind: 'csv', ignoreHeader: 1 }, iamRole: deps.settings.copyRoleArn }),
      context,
    );
  }
  await deps.warehouse.execute(
    `INSERT INTO ${LEDGER_TABLE} (pipeline, table_name, file_uri, run_id, claimed_at)
     SELECT c.pipeline, c.table_name, c.file_uri, c.run_id, GETDATE()
     FROM ${CANDIDATES_TABLE} AS c
     WHERE c.pipeline = :pipeline AND c.table_name = :table_name AND c.run_id = :run_id
       AND NOT EXISTS (
           SELECT 1 FROM ${LEDGER_TABLE} AS l
           WHERE l.pipeline = c.pipeline AND l.table_name = c.table_name AND l.file_uri = c.file_uri
             AND (l.loaded_at IS NOT NULL OR l.run_id = c.run_id
                  OR l.claimed_at > DATEADD(minute, -${CLAIM_LEASE_MINUTES}, GETDATE())))`,
    mine,
    context,
  );
  const claimed = await deps.warehouse.query(
    `SELECT DISTINCT file_uri FROM ${LEDGER_TABLE}
     WHERE pipeline = :pipeline AND table_name = :table_name AND run_id = :run_id AND loaded_at IS NULL
     ORDER BY file_uri`,
    mine,
  );
  return claimed.map((r) => String(r.file_uri));
}

/**
 * The statement marking every file this run claimed for `table` as loaded, for the transaction
 * that appends their rows. The run is named through its run_context (see run-staging.ts), so no
 * value is spliced into the SQL; `table` is a validated identifier.
 */
export function markClaimedFilesLoadedSql(table: string, runId: string): string {
  const context = runStagingTable(RUN_CONTEXT_TABLE, runId);
  return `UPDATE ${LEDGER_TABLE} SET loaded_at = GETDATE()
    WHERE pipeline = (SELECT pipeline FROM ${context}) AND run_id = (SELECT run_id FROM ${context})
      AND table_name = '${sqlIdentifier.parse(table)}' AND loaded_at IS NULL`;
}

/** RFC 4180: quoted, with quotes doubled. */
function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
