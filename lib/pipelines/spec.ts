// PipelineSpec: the one declaration of a pipeline (sources, SQL steps, checks, SLA, schedule)
// that both runtimes read. The CDK construct turns it into a state machine; the handlers
// look it up by name at run time. Validated with zod so a bad spec fails at load, not mid-run.
import { z } from 'zod';
import { csvFormatSchema } from '../../lambdas/core/copy-spec.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { runDateTemplate, sqlFile, sqlIdentifier, stepSchema } from './step-spec.ts';

export { sqlIdentifier } from './step-spec.ts';

/** A key or key prefix in the landing bucket, relative to the bucket root. */
const landingKey = z.string().regex(/^[A-Za-z0-9_.=\-/{}]+$/, 'an S3 key without the bucket').refine((k) => !k.startsWith('/'));

const sourceSchema = z.object({
  /** Staging table the source is COPYed into; created by the spec's schema SQL. */
  table: sqlIdentifier,
  /**
   * Key prefix of the raw objects in the landing bucket. It may name the run's partition with
   * {yyyy}, {mm} and {dd}, e.g. 'log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.json'.
   */
  prefix: landingKey.refine((k) => /^([^{}]|\{(yyyy|mm|dd)\})*$/.test(k), 'only {yyyy}, {mm} and {dd} may be templated'),
  format: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('json'),
      /** 'auto', or a jsonpaths file shipped with the pipeline under sql/ (deployed to the assets prefix). */
      paths: z.union([z.literal('auto'), z.string().regex(/^[a-z0-9_-]+\/[a-z0-9_.-]+\.json$/)]),
    }),
    csvFormatSchema,
  ]),
  /** The staging table's columns the fields fill, in order (COPY's column list); default all, by name or position. */
  columns: z.array(sqlIdentifier).optional(),
  /**
   * Whether a run waits for this source (the sensor). A source that may have nothing new for a run
   * (one kind of event among many) is not required: the run goes on and stages nothing from it.
   */
  required: z.boolean().default(true),
  timeFormat: z.string().default('auto'),
  blanksAsNull: z.boolean().default(false),
  emptyAsNull: z.boolean().default(false),
  gzip: z.boolean().default(false),
  maxError: z.number().int().min(0).default(0),
  /**
   * How a run stages the source:
   * - 'replace': empty the staging table, then COPY the files the run planned (a partition);
   * - 'new-files': keep the staging table and COPY only files no run has loaded yet, recorded in
   *   a load-once ledger (redline_loaded_files), for sources that only grow, like a catalog.
   */
  load: z.enum(['replace', 'new-files']).default('replace'),
});

const flattenSourceSchema = z.object({
  /** Names the flatten in state names ('Flatten <name>') and work-bucket keys. */
  name: sqlIdentifier,
  /** Key prefix of the raw files in the landing bucket; may be templated like a source's. */
  prefix: landingKey.refine((k) => /^([^{}]|\{(yyyy|mm|dd)\})*$/.test(k), 'only {yyyy}, {mm} and {dd} may be templated'),
  /** The registered TypeScript flattener the raw files go through (lambdas/core/flatteners.ts). */
  flattener: z.enum(['assessments']),
  /**
   * The staging table each of the flattener's tables is COPYed into, by the flattener's table
   * name (e.g. { assessments: 'staging_assessments', … }); every run gets its own copies.
   */
  staging: z.record(z.string(), sqlIdentifier),
  /** Raw files per flatten task: the Map iterates over batches, so the state stays small however many files there are. */
  filesPerBatch: z.number().int().positive().default(10),
  /** How many batches are flattened at once. */
  maxConcurrency: z.number().int().positive().default(8),
});

const extractTableSchema = z.object({
  /** The table in the source database. */
  table: sqlIdentifier,
  /** Its columns, in the order the CSV extract writes them (its header). */
  columns: z.array(sqlIdentifier).min(1),
  /** Where in the landing bucket the extract lands, as the source that stages it expects it. */
  key: landingKey,
  /**
   * Extract only the rows past a watermark on this ever-growing column (the highest value
   * imported, kept in redline_watermarks by the pipeline's SQL); else the whole table each run.
   */
  incremental: z.object({ column: sqlIdentifier }).optional(),
});

const extractSchema = z.object({
  /** A MySQL/MariaDB database: mysql:// URL locally, a Secrets Manager secret in AWS. */
  kind: z.literal('mysql'),
  tables: z.array(extractTableSchema).min(1),
});

const downloadSchema = z.object({
  /** Names the download in state names ('Download <name>') and the run audit. */
  name: sqlIdentifier,
  /** The http(s) URL of the file; may name the run date with {yyyy}, {mm} and {dd}. */
  url: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL')
    .refine((u) => runDateTemplate.test(u), 'only {yyyy}, {mm} and {dd} may be templated')
    .refine((u) => URL.canParse(u.replaceAll(/\{(yyyy|mm|dd)\}/g, '0')), 'a URL'),
  /** The key the file lands at in the landing bucket (where a source reads it); templated like the URL. */
  key: landingKey
    .refine((k) => runDateTemplate.test(k), 'only {yyyy}, {mm} and {dd} may be templated')
    .refine((k) => !k.endsWith('/'), 'an object key, not a prefix'),
  /** The file's expected SHA-256 (hex); a body with another digest is rejected and not landed. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256')
    .optional(),
  /** The largest body accepted, in bytes; a larger one is rejected and not landed. */
  maxBytes: z.number().int().positive().optional(),
});

const publishSchema = z.object({
  /** The result set's name: its folder under published/<pipeline>/<run date>/ and its chart's id. */
  name: sqlIdentifier,
  /** A read-only query of the final tables (usually one of the pipeline's saved queries). */
  sql: sqlFile,
  /** How the run report draws it. */
  chart: z
    .object({
      title: z.string().min(1),
      kind: z.enum(['bar', 'line', 'stacked-bar']),
      x: sqlIdentifier,
      y: sqlIdentifier,
      color: sqlIdentifier.optional(),
    })
    .optional(),
});

const expectationSchema = z.discriminatedUnion('kind', [
  /** The query returns no rows (e.g. duplicate keys, orphans). */
  z.object({ kind: z.literal('zero-rows') }),
  /** The query's single value equals `value`. */
  z.object({ kind: z.literal('equals'), value: z.number() }),
  /** The query's single value is ≥ min and ≤ max (either bound optional). */
  z.object({ kind: z.literal('between'), min: z.number().optional(), max: z.number().optional() }),
]);

const checkSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/),
  /** Read-only Redshift SQL. */
  sql: z.string().min(1),
  expect: expectationSchema,
});

export const pipelineSpecSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'a kebab-case pipeline name'),
  description: z.string(),
  /** SQL that creates every table the pipeline uses if absent; safe to run on each run. */
  schema: sqlFile,
  /** What each run stages; none for a pipeline of SQL steps only (e.g. an initialization workflow). */
  sources: z.array(sourceSchema),
  /**
   * Raw files that go through a TypeScript flattener (a Lambda in AWS, in-process locally) into flat
   * rows, which are then staged like sources: nested JSON that COPY cannot flatten by itself.
   */
  flattens: z.array(flattenSourceSchema).default([]),
  /**
   * Tables to extract from an operational database into the landing bucket before the run plans,
   * when a database is configured (`--mysql` locally, a secret in AWS); without one the sources
   * are read as they landed.
   */
  extract: extractSchema.optional(),
  /**
   * Files fetched over HTTP(S) into the landing bucket first of all, before any extract or sensor,
   * where the sources read them; a file already landed unchanged is not fetched again.
   */
  downloads: z
    .array(downloadSchema)
    .refine((ds) => new Set(ds.map((d) => d.name)).size === ds.length, 'download names must be unique')
    .default([]),
  /**
   * Steps after staging, in order (SQL, cleaning, model or external job; see step-spec.ts); none when
   * the staged tables are the result (events loaded as they come).
   */
  steps: z.array(stepSchema),
  checks: z.array(checkSchema),
  /** Result sets every successful run publishes (UNLOAD to Parquet), with their charts. */
  publish: z.array(publishSchema).default([]),
  /** Tables whose row counts each run reports, in display order. */
  reportTables: z.array(sqlIdentifier).min(1),
  /** The sensor: while a source's partition is empty, wait and list again, up to maxAttempts lists. */
  sensor: z
    .object({ pollSeconds: z.number().int().positive().default(300), maxAttempts: z.number().int().positive().default(72) })
    .default({ pollSeconds: 300, maxAttempts: 72 }),
  /** EventBridge schedule expression, e.g. 'cron(0 1 * * ? *)'; none for a pipeline run on demand. */
  schedule: z.string().regex(/^(cron|rate)\(.+\)$/).optional(),
  sla: z.object({
    /** A run longer than this raises the SLA alarm. */
    maxDurationMinutes: z.number().int().positive(),
    /** No successful run for this long raises the freshness alarm. */
    maxStalenessHours: z.number().int().positive(),
  }),
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
export type SourceSpec = PipelineSpec['sources'][number];
export type StepSpec = PipelineSpec['steps'][number];
export type SqlStepSpec = Extract<StepSpec, { kind: 'sql' }>;
export type CleanStepSpec = Extract<StepSpec, { kind: 'clean' }>;
export type ModelStepSpec = Extract<StepSpec, { kind: 'model' }>;
export type JobStepSpec = Extract<StepSpec, { kind: 'job' }>;
export type CheckSpec = PipelineSpec['checks'][number];
export type ExtractSpec = NonNullable<PipelineSpec['extract']>;
export type FlattenSourceSpec = PipelineSpec['flattens'][number];
export type PublishSpec = PipelineSpec['publish'][number];
export type DownloadSpec = PipelineSpec['downloads'][number];
export type ExtractTableSpec = ExtractSpec['tables'][number];
export type Expectation = CheckSpec['expect'];

/** Validates a spec and fills in defaults; throws a zod error naming every problem. */
export function definePipeline(spec: PipelineSpecInput): PipelineSpec {
  const parsed = pipelineSpecSchema.parse(spec);
  const tables = new Set([...parsed.sources.map((s) => s.table), ...parsed.flattens.flatMap((f) => Object.values(f.staging))]);
  for (const step of parsed.steps) if (step.kind === 'sql' || step.kind === 'model') tables.add(step.target);
  const duplicateStep = parsed.steps.find((s, i) => parsed.steps.findIndex((t) => t.name === s.name) !== i);
  if (duplicateStep) throw new Error(`pipeline ${parsed.name}: step ${duplicateStep.name} is declared twice`);
  if (parsed.steps.some((s) => s.name === SCHEMA_STEP)) throw new Error(`pipeline ${parsed.name}: '${SCHEMA_STEP}' is reserved`);
  checkUpstreams(parsed);
  const unknown = parsed.reportTables.filter((t) => !tables.has(t));
  if (unknown.length > 0) throw new Error(`pipeline ${parsed.name}: reportTables not built by any step: ${unknown.join(', ')}`);
  return parsed;
}

/** How an error names each kind of step. */
const STEP_KIND_NAMES: Readonly<Record<StepSpec['kind'], string>> = { sql: 'SQL', clean: 'cleaning', model: 'model', job: 'job' };

/**
 * The spec's step named `name`, which a task of `kind` runs.
 * @throws InvalidInput when the spec has no step of that kind by that name
 */
export function stepOfKind<K extends StepSpec['kind']>(spec: PipelineSpec, name: string, kind: K): Extract<StepSpec, { kind: K }> {
  const step = spec.steps.find((s) => s.name === name);
  if (step?.kind !== kind) throw new InvalidInput(`pipeline ${spec.name} has no ${STEP_KIND_NAMES[kind]} step ${name}`);
  return step as Extract<StepSpec, { kind: K }>;
}

/** A step's upstream names main-line steps declared before it, and only a triggered step has one. */
function checkUpstreams(spec: PipelineSpec): void {
  spec.steps.forEach((step, i) => {
    if (!step.upstream) return;
    if (step.trigger === 'allSuccess') throw new Error(`pipeline ${spec.name}: step ${step.name} runs on the main line and takes no upstream`);
    const mainLineBefore = new Set(spec.steps.slice(0, i).filter((s) => s.trigger === 'allSuccess').map((s) => s.name));
    const unknown = step.upstream.filter((name) => !mainLineBefore.has(name));
    if (unknown.length > 0) throw new Error(`pipeline ${spec.name}: upstream of ${step.name} is not a main-line step declared before it: ${unknown.join(', ')}`);
  });
}

/** The transform task's name for running a spec's schema SQL; no step may take it. */
export const SCHEMA_STEP = 'schema';
