// The payloads the state machine hands each Lambda task, validated with zod at the boundary.
import { z } from 'zod';

/**
 * The run date: 'YYYY-MM-DD', or the scheduler's ISO timestamp (EventBridge Scheduler passes
 * <aws.scheduler.scheduled-time>, e.g. 2024-05-01T01:00:00Z), of which the UTC date is kept.
 */
const runDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/, 'a YYYY-MM-DD run date or a UTC ISO timestamp')
  .transform((value) => value.slice(0, 10));
/**
 * The run's time, from the same input field: the scheduler's timestamp, or for a bare date the
 * start of that day (UTC). Rendered as 'YYYY-MM-DD HH:MM:SS', the form every engine casts to TIMESTAMP.
 */
const runTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/, 'a YYYY-MM-DD run date or a UTC ISO timestamp')
  .transform((value) => (value.length === 10 ? `${value} 00:00:00` : value.slice(0, 19).replace('T', ' ')));
const base = { pipeline: z.string().min(1), runId: z.string().min(1), runDate, runTime: runTime.optional() };

/** `attempt`: how many times the sensor has listed the sources before this one. */
export const planEvent = z.object({ ...base, attempt: z.number().int().min(0) });
export const stageEvent = z.object({ ...base, table: z.string().min(1), manifest: z.string().startsWith('s3://') });
export const transformEvent = z.object({ ...base, step: z.string().min(1) });
/** Runs cleaning step `step` of the pipeline's spec on the run's copy of its table. */
export const cleanEvent = z.object({ ...base, step: z.string().min(1) });
/** Trains model step `step` of the pipeline's spec and writes its scores to the step's target. */
export const modelEvent = z.object({ ...base, step: z.string().min(1) });
export const checkEvent = z.object(base);
/** What the run did, from the state, for its report: the loads, the checks and the published result sets. */
export const summarizeEvent = z.object({
  ...base,
  loads: z.array(z.object({ table: z.string(), files: z.number(), read: z.number(), loaded: z.number(), rejected: z.number() }).loose()).default([]),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })).default([]),
  published: z.array(z.object({ name: z.string(), uri: z.string(), rows: z.number() })).default([]),
  startedAt: z.string().optional(),
});
export const watermarksEvent = z.object(base);
export const publishEvent = z.object(base);
/** `watermarks`: the highest value imported per incrementally extracted table (from Read watermarks). */
export const extractEvent = z.object({ ...base, watermarks: z.record(z.string(), z.number().int()) });
/** Lands download `download` of the pipeline's spec for the run date. */
export const downloadEvent = z.object({ ...base, download: z.string().min(1) });
/** One batch of raw files of flatten `flatten`: the list the plan task wrote at `batch`. */
export const flattenEvent = z.object({ ...base, flatten: z.string().min(1), batch: z.string().startsWith('s3://') });
export const notifyEvent = z.object({
  ...base,
  failedStep: z.string(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

export type PlanEvent = z.infer<typeof planEvent>;
export type StageEvent = z.infer<typeof stageEvent>;
export type TransformEvent = z.infer<typeof transformEvent>;
export type CleanEvent = z.infer<typeof cleanEvent>;
export type ModelEvent = z.infer<typeof modelEvent>;
export type CheckEvent = z.infer<typeof checkEvent>;
export type SummarizeEvent = z.infer<typeof summarizeEvent>;
export type ExtractEvent = z.infer<typeof extractEvent>;
export type FlattenEvent = z.infer<typeof flattenEvent>;
export type NotifyEvent = z.infer<typeof notifyEvent>;

/**
 * The result of the plan task: when every source's and flatten's partition has objects, `ready`,
 * one COPY manifest per staged table and, per flatten, the batches of raw files to flatten;
 * otherwise not ready, and the sensor waits and lists again.
 */
export interface PlanResult {
  ready: boolean;
  attempt: number;
  manifests: Record<string, string>;
  /** Per flatten, the URIs of its batch lists (see FlattenBatch), one flatten task each. */
  batches: Record<string, string[]>;
  objects: Record<string, number>;
}

/** A batch list: raw files, each with the prefix its flat tables are written under. */
export const flattenBatch = z.object({ files: z.array(z.object({ uri: z.string().startsWith('s3://'), outputPrefix: z.string().startsWith('s3://') })) });
export type FlattenBatch = z.infer<typeof flattenBatch>;
