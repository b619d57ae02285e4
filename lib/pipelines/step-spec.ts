// The kinds of step a pipeline runs after staging, one schema each, and the trigger rule every
// step carries. A step is a SQL file, declarative cleaning rules, a TypeScript model, or an
// external (Spark) job; all of them run as states of the one state machine, in AWS as locally.
import { z } from 'zod';

/** Lower-case SQL identifier: the only shape a table or column name from a spec may take. */
export const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,126}$/, 'a lower-case SQL identifier');

/** A SQL file under sql/, e.g. 'sparkify/songplays.sql' or 'sparkify/queries/top_songs.sql'. */
export const sqlFile = z.string().regex(/^[a-z0-9_-]+\/([a-z0-9_-]+\/)?[a-z0-9_-]+\.sql$/, 'a path like pipeline/step.sql');

/** Only {yyyy}, {mm} and {dd} may be templated, in a URL as in a key or an argument. */
export const runDateTemplate = /^([^{}]|\{(yyyy|mm|dd)\})*$/;

/**
 * When a step runs, from the outcome of its upstream steps (Airflow's trigger rules):
 * - 'allSuccess': every upstream step succeeded (the default; the step is part of the run's main line);
 * - 'allFailed': every upstream step failed, or did not run because a step before it failed;
 * - 'oneFailed': at least one upstream step failed, or did not run because a step before it failed;
 * - 'allDone': every upstream step is done, whatever its outcome (an "always" step).
 * A run in which any step of the main line failed ends FAILED, whatever its other steps did.
 */
export const triggerRuleSchema = z.enum(['allSuccess', 'allFailed', 'oneFailed', 'allDone']);
export type TriggerRule = z.infer<typeof triggerRuleSchema>;

const stepCommon = {
  /** Short name, used in state names ('Build <name>', 'Clean <name>', …), the run audit and alerts. */
  name: sqlIdentifier,
  trigger: triggerRuleSchema.default('allSuccess'),
  /**
   * For a step whose trigger is not 'allSuccess': the main-line steps whose outcome it depends on.
   * Default: the main-line step declared before it (none before it: the staging that precedes every step).
   */
  upstream: z.array(sqlIdentifier).min(1).optional(),
};

export const sqlStepSchema = z.object({
  kind: z.literal('sql'),
  ...stepCommon,
  sql: sqlFile,
  /** The table the step writes. */
  target: sqlIdentifier,
  /**
   * How the step writes its target, always inside one transaction:
   * - 'rebuild': delete every row, then run the SQL (the SQL inserts the full result);
   * - 'idempotent': run the SQL as written; it replaces exactly what it rewrites (delete-insert of
   *   the run's partition, insert of what is absent, or a merge by key), so a re-run changes nothing.
   */
  mode: z.enum(['rebuild', 'idempotent']),
});

/** A literal a cleaning rule compares with: plain words and numbers only, so it is safe to quote. */
const ruleLiteral = z.union([z.number().finite(), z.string().regex(/^[A-Za-z0-9 _.:\-]*$/, 'letters, digits, space and _ . : -')]);

/**
 * A row a cleaning step keeps satisfies every constraint; one that breaks any goes to quarantine.
 * As in a SQL CHECK, a NULL passes acceptedValues and range (notNull is the rule for NULLs); in an
 * expression, NULL counts as broken.
 */
export const constraintSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('notNull'), column: sqlIdentifier }),
  z.object({ rule: z.literal('acceptedValues'), column: sqlIdentifier, values: z.array(ruleLiteral).min(1) }),
  z
    .object({ rule: z.literal('range'), column: sqlIdentifier, min: z.number().finite().optional(), max: z.number().finite().optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, 'a range needs a min, a max or both'),
  /** A Redshift SQL boolean expression over the row's columns, true for a row to keep (NULL counts as broken). */
  z.object({ rule: z.literal('expression'), name: sqlIdentifier, sql: z.string().min(1) }),
]);

export const cleanStepSchema = z.object({
  kind: z.literal('clean'),
  ...stepCommon,
  /** The table cleaned in place: a staging table (the run's own copy) or a table of the pipeline. */
  table: sqlIdentifier,
  /** Columns whose leading and trailing blanks are removed. */
  trim: z.array(sqlIdentifier).default([]),
  /** Columns where an empty string (after trimming) becomes NULL. */
  emptyAsNull: z.array(sqlIdentifier).default([]),
  /** Columns normalised to lower case, or to upper case. */
  lowerCase: z.array(sqlIdentifier).default([]),
  upperCase: z.array(sqlIdentifier).default([]),
  /** Rows breaking a constraint are moved to redline_quarantine with the rule and the reason. */
  constraints: z.array(constraintSchema).default([]),
  /** Keep one row per key: the one with the greatest `latest`; the others are quarantined as duplicates. */
  dedupe: z.object({ key: z.array(sqlIdentifier).min(1), latest: sqlIdentifier }).optional(),
  /** The run fails (CleaningThresholdExceeded) when more than this share of the rows is quarantined. */
  maxQuarantinedRatio: z.number().min(0).max(1).default(1),
}).refine((step) => !step.lowerCase.some((c) => step.upperCase.includes(c)), 'a column is lower-cased or upper-cased, not both');

export const modelStepSchema = z.object({
  kind: z.literal('model'),
  ...stepCommon,
  /** The registered TypeScript model that trains and scores (lambdas/core/models/). */
  model: z.enum(['upgrade-propensity']),
  /** The read-only query of the feature set: one row per entity, as the model expects it. */
  features: sqlFile,
  /** The table the scores are COPYed into (rebuilt by each run). */
  target: sqlIdentifier,
  /** Seeds the train/holdout split and the training: the same seed and data give the same scores. */
  seed: z.number().int().min(0).default(42),
  /** Share of the labelled rows held back to measure the model (e.g. its AUC). */
  holdout: z.number().gt(0).lt(1).default(0.25),
  /**
   * When the feature set cannot train the model (too few labelled rows of a class):
   * - 'fail': the step fails with ModelTrainingFailed;
   * - 'keep-scores': the step succeeds untrained and the target keeps the scores it holds (an
   *   outcome that is rare at first, like upgrades in a young user base).
   */
  whenUntrainable: z.enum(['fail', 'keep-scores']).default('fail'),
});

const templatedArgument = z.string().refine((a) => runDateTemplate.test(a), 'only {yyyy}, {mm} and {dd} may be templated');

export const jobStepSchema = z.object({
  kind: z.literal('job'),
  ...stepCommon,
  /** The job's entry point: in AWS a script under the work bucket's assets/ prefix, e.g. 'jobs/sessionize.py'. */
  entryPoint: z.string().regex(/^[a-z0-9_-]+(\/[a-z0-9_.-]+)*\.(py|jar)$/, 'a path like jobs/name.py'),
  /** The job's arguments, templated with the run date. */
  arguments: z.array(templatedArgument).default([]),
  /** Locally the step runs this command (argv, arguments appended) and waits for its exit code. */
  local: z.object({ command: z.array(z.string().min(1)).min(1) }),
  /** Longest the job may run; past it the step fails with States.Timeout, in AWS as locally. */
  timeoutMinutes: z.number().int().positive().default(60),
});

export const stepSchema = z.discriminatedUnion('kind', [sqlStepSchema, cleanStepSchema, modelStepSchema, jobStepSchema]);
