// Reads the local warehouse for the CLI: the run audit (redline_runs) for `redline runs`, a saved
// query's rows for `redline query`, and every saved query's answer after `redline run`.
import { existsSync } from 'node:fs';
import type { Row } from '../../lambdas/core/ports.ts';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from './filesystem-store.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { listSavedQueries, savedQuerySql } from '../pipelines/saved-queries.ts';

/** The `limit` most recent step records, newest first; none when nothing has run yet. */
export async function recentRuns(warehousePath: string, limit: number): Promise<Row[]> {
  if (!existsSync(warehousePath)) return [];
  const warehouse = await DuckDbWarehouse.open(warehousePath, new FilesystemObjectStore({}));
  try {
    const [table] = await warehouse.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'redline_runs'");
    if (Number(table?.n) === 0) return [];
    return await warehouse.query(
      `SELECT run_id, CAST(run_date AS VARCHAR) AS run_date, step, status, rows_read, rows_loaded, rows_rejected,
              CAST(started_at AS VARCHAR) AS started_at, DATEDIFF(millisecond, started_at, ended_at) AS ms, error
       FROM redline_runs ORDER BY started_at DESC, step LIMIT :limit`,
      { limit },
    );
  } finally {
    await warehouse.close();
  }
}

/** The rows of a saved query (read-only SQL) on the local warehouse. */
export async function runSavedQuery(warehousePath: string, sql: string): Promise<Row[]> {
  if (!existsSync(warehousePath)) throw new InvalidInput(`no local warehouse at ${warehousePath}; run the pipeline first`);
  const warehouse = await DuckDbWarehouse.open(warehousePath, new FilesystemObjectStore({}));
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

/** Every saved query of the pipeline's SQL folder with its rows, by name; none when it has no queries. */
export async function savedAnswers(warehousePath: string, folder: string): Promise<Record<string, Row[]>> {
  const queries = await listSavedQueries(folder);
  if (queries.length === 0 || !existsSync(warehousePath)) return {};
  const warehouse = await DuckDbWarehouse.open(warehousePath, new FilesystemObjectStore({}));
  try {
    const answers: Record<string, Row[]> = {};
    for (const { name } of queries) answers[name] = await warehouse.query(await savedQuerySql(folder, name));
    return answers;
  } finally {
    await warehouse.close();
  }
}
