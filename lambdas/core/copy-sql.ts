// Renders a CopySpec to the Redshift COPY statement the cloud runs. Parameter names and order
// follow the Redshift COPY reference (FORMAT AS JSON 'auto' | 's3://jsonpaths', FORMAT AS CSV
// DELIMITER ... IGNOREHEADER n, TIMEFORMAT, BLANKSASNULL, EMPTYASNULL, MAXERROR, REGION, GZIP).
// BLANKSASNULL and EMPTYASNULL are accepted with JSON: the docs list CSV, DELIMITER, ESCAPE,
// FILLRECORD, FIXEDWIDTH, IGNOREBLANKLINES, NULL AS, READRATIO and REMOVEQUOTES as the options
// JSON does not support, and describe EMPTYASNULL for JSON explicitly.
import type { CopySpec } from './copy-spec.ts';

/** How the statement is tuned, beyond what the spec itself says. */
export interface RenderCopyOptions {
  /**
   * A staging load (a table truncated and refilled on every run): adds COMPUPDATE OFF
   * STATUPDATE OFF, so Redshift skips compression analysis and statistics it would throw away.
   */
  staging?: boolean;
}

/**
 * The Redshift COPY statement for `spec`, on one line, without a trailing semicolon.
 * Literals are single-quoted with quotes and backslashes doubled (Redshift reads backslash
 * escapes in COPY option strings, e.g. DELIMITER '\t'); identifiers are quoted when not plain.
 */
export function renderCopySql(spec: CopySpec, options: RenderCopyOptions = {}): string {
  const columns = spec.columns === undefined ? '' : ` (${spec.columns.map(identifier).join(', ')})`;
  const clauses = [
    `COPY ${identifier(spec.table)}${columns}`,
    `FROM ${literal(spec.from)}`,
    spec.iamRole === undefined ? 'IAM_ROLE default' : `IAM_ROLE ${literal(spec.iamRole)}`,
    spec.manifest ? 'MANIFEST' : '',
    formatClause(spec.format),
    `TIMEFORMAT ${literal(spec.timeFormat)}`,
    spec.blanksAsNull ? 'BLANKSASNULL' : '',
    spec.emptyAsNull ? 'EMPTYASNULL' : '',
    `MAXERROR ${Math.trunc(spec.maxError)}`,
    spec.region === undefined ? '' : `REGION ${literal(spec.region)}`,
    spec.gzip ? 'GZIP' : '',
    options.staging === true ? 'COMPUPDATE OFF STATUPDATE OFF' : '',
  ];
  return clauses.filter((clause) => clause !== '').join(' ');
}

function formatClause(format: CopySpec['format']): string {
  if (format.kind === 'json') return `FORMAT AS JSON ${literal(format.paths)}`;
  const header = format.ignoreHeader > 0 ? ` IGNOREHEADER ${Math.trunc(format.ignoreHeader)}` : '';
  return `FORMAT AS CSV DELIMITER ${literal(format.delimiter)}${header}`;
}

/** A Redshift string literal: quotes and backslashes doubled, a tab written as \t. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\t/g, '\\t')}'`;
}

/** A plain lower-case name as is; anything else double-quoted with inner quotes doubled. */
function identifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
