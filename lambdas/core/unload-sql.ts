// An UNLOAD: the rows of a read-only query written as Parquet under an S3 prefix, replacing what a
// previous UNLOAD of the same result wrote there. Rendered to Redshift's UNLOAD for the cloud;
// the local warehouses carry it out with the same meaning.
import { z } from 'zod';

export const unloadSpecSchema = z.object({
  /** A single read-only SELECT, in Redshift SQL. */
  sql: z.string().min(1),
  /** The prefix the Parquet files go under, ending with '/'. */
  to: z.string().regex(/^s3:\/\/[a-z0-9.-]+\/.*\/$/, 'an s3:// prefix ending with /'),
  /** The role Redshift assumes to write to S3; absent locally. */
  iamRole: z.string().optional(),
});

export type UnloadSpec = z.infer<typeof unloadSpecSchema>;

export interface UnloadResult {
  /** Rows written. */
  rows: number;
}

/**
 * Redshift UNLOAD SQL. One file per result (PARALLEL OFF: results are small aggregates), named
 * `<prefix>000.parquet`, overwritten by the next UNLOAD of the same result (ALLOWOVERWRITE).
 * The query is selected from as a subquery, since UNLOAD refuses a LIMIT in the outer SELECT
 * (a top-10 query keeps its LIMIT, nested), and its quotes are doubled, as UNLOAD's quoted query requires.
 */
export function renderUnloadSql(spec: UnloadSpec): string {
  const query = spec.sql.trim().replace(/;\s*$/, '').replaceAll("'", "''");
  const role = spec.iamRole ? ` IAM_ROLE '${spec.iamRole}'` : '';
  return `UNLOAD ('SELECT * FROM (${query}\n) AS published') TO '${spec.to}'${role} FORMAT AS PARQUET PARALLEL OFF ALLOWOVERWRITE`;
}
