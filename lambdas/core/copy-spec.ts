// CopySpec: a typed description of one Redshift COPY. The cloud renders it to COPY SQL;
// the local warehouse carries it out with the same semantics. No COPY text is ever parsed.
import { z } from 'zod';

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an s3://bucket/key URI');
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,126}$/, 'a lower-case SQL identifier');

export const jsonFormatSchema = z.object({
  kind: z.literal('json'),
  /** 'auto' maps top-level keys to column names; otherwise the S3 URI of a jsonpaths file. */
  paths: z.union([z.literal('auto'), s3Uri]),
});

export const csvFormatSchema = z.object({
  kind: z.literal('csv'),
  /** Number of header lines to skip at the top of every file. */
  ignoreHeader: z.number().int().min(0).default(0),
  delimiter: z.string().length(1).default(','),
});

export const copySpecSchema = z.object({
  /** Target table (already created). */
  table: identifier,
  /** Optional explicit column list, in the order the source fields arrive (CSV) or jsonpaths list them. */
  columns: z.array(identifier).optional(),
  /** A key prefix (every object under it), or a manifest file when `manifest` is true. */
  from: s3Uri,
  manifest: z.boolean().default(false),
  format: z.discriminatedUnion('kind', [jsonFormatSchema, csvFormatSchema]),
  /** 'auto', 'epochsecs', 'epochmillisecs' or a Redshift datetime format string. */
  timeFormat: z.string().default('auto'),
  blanksAsNull: z.boolean().default(false),
  emptyAsNull: z.boolean().default(false),
  gzip: z.boolean().default(false),
  /** Rejected rows tolerated before the whole COPY fails and loads nothing (Redshift default 0). */
  maxError: z.number().int().min(0).max(100_000).default(0),
  /** Cloud only: the IAM role Redshift assumes to read the source. */
  iamRole: z.string().optional(),
  /** Cloud only: the source bucket's region when it differs from the warehouse's. */
  region: z.string().optional(),
});

export type CopySpec = z.output<typeof copySpecSchema>;
export type CopySpecInput = z.input<typeof copySpecSchema>;

/** What a COPY did: counts always reconcile, read = loaded + rejected. */
export interface CopyResult {
  table: string;
  files: number;
  read: number;
  loaded: number;
  rejected: number;
}

/** The table every COPY writes its rejected rows to, modelled on Redshift's SYS_LOAD_ERROR_DETAIL. */
export const LOAD_ERRORS_TABLE = 'redline_load_errors';
