// Where a run's objects live in the buckets: one place, so the planner, the stager and
// the deployment agree on every key.
import type { RuntimeSettings } from './deps.ts';

/** The landing prefix of a source. */
export function landingUri(settings: RuntimeSettings, prefix: string): string {
  return `s3://${settings.landingBucket}/${prefix}`;
}

/** The COPY manifest the planner writes for one source of one run. */
export function manifestUri(settings: RuntimeSettings, pipeline: string, runId: string, table: string): string {
  return `s3://${settings.workBucket}/manifests/${pipeline}/${runId}/${table}.manifest.json`;
}

/** A file shipped with the pipelines (e.g. a jsonpaths file), as deployed to the work bucket. */
export function assetUri(settings: RuntimeSettings, asset: string): string {
  return `s3://${settings.workBucket}/assets/${asset}`;
}

/** The load-once ledger rows a run writes for one 'new-files' source, beside its manifests. */
export function ledgerUri(settings: RuntimeSettings, pipeline: string, runId: string, table: string): string {
  return `s3://${settings.workBucket}/manifests/${pipeline}/${runId}/${table}.ledger.csv`;
}

/** The scores file a model step writes for the warehouse to COPY into its target, beside the run's manifests. */
export function modelScoresUri(settings: RuntimeSettings, pipeline: string, runId: string, step: string): string {
  return `s3://${settings.workBucket}/manifests/${pipeline}/${runId}/${step}.scores.csv`;
}

/** Where the flattener writes one raw file's flat tables (file `index` of flatten `name`), beside the run's manifests. */
export function flattenedPrefixUri(settings: RuntimeSettings, pipeline: string, runId: string, name: string, index: number): string {
  return `s3://${settings.workBucket}/manifests/${pipeline}/${runId}/flattened/${name}/${index}/`;
}

/** The list of raw files one flatten task takes (batch `batch` of flatten `name`). */
export function flattenBatchUri(settings: RuntimeSettings, pipeline: string, runId: string, name: string, batch: number): string {
  return `s3://${settings.workBucket}/manifests/${pipeline}/${runId}/${name}.batch-${batch}.json`;
}

/** Where a run publishes one result set (Parquet), by pipeline and run date. */
export function publishedUri(settings: RuntimeSettings, pipeline: string, runDate: string, name: string): string {
  return `s3://${settings.workBucket}/published/${pipeline}/${runDate}/${name}/`;
}

/** Where a run's HTML report is written, next to its published result sets. */
export function reportUri(settings: RuntimeSettings, pipeline: string, runDate: string): string {
  return `s3://${settings.workBucket}/published/${pipeline}/${runDate}/report.html`;
}

/**
 * The key (or key pattern) of the record of a landed download: what was fetched from where, its
 * size, SHA-256 and the server's validators. Kept in the work bucket, not beside the file, so that a
 * source reading the landing prefix never COPYs it.
 */
export function downloadRecordKey(landingKey: string): string {
  return `downloads/${landingKey}.download.json`;
}

/** The record of the download landed at `landingKey` (see downloadRecordKey). */
export function downloadRecordUri(settings: RuntimeSettings, landingKey: string): string {
  return `s3://${settings.workBucket}/${downloadRecordKey(landingKey)}`;
}
