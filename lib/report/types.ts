// The shapes a run report is rendered from: what a run did (outcome, audit, checks, charts)
// and one line of the report index. They come from redline's own code, so nothing is validated.

export type RunStatus = 'SUCCEEDED' | 'FAILED';

/** One chart of a report, drawn from rows a pipeline's query returned. */
export interface ChartSpec {
  /** Stable id: the chart's wrapper carries it as `data-chart`. */
  id: string;
  title: string;
  kind: 'bar' | 'line' | 'stacked-bar';
  rows: Record<string, string | number | null>[];
  /** The field along the x axis (categories for bars, points for a line, in row order). */
  x: string;
  /** The numeric field measured. */
  y: string;
  /** A field that splits rows into series: the stacks of a stacked bar, the lines of a line chart. */
  color?: string;
}

export interface LoadReconciliation {
  table: string;
  files: number;
  read: number;
  loaded: number;
  rejected: number;
}

export interface RejectedRow {
  table: string;
  fileName: string;
  lineNumber: number;
  errorMessage: string;
  rawLine: string;
}

export interface CheckOutcome {
  name: string;
  passed: boolean;
  detail: string;
}

/** One step of the run audit and how long it took. */
export interface StepDuration {
  step: string;
  status: string;
  ms: number;
}

export interface PublishedResultSet {
  name: string;
  uri: string;
  rows: number;
}

export interface RunReport {
  pipeline: string;
  runId: string;
  runDate: string;
  status: RunStatus;
  startedAt?: string;
  durationMs: number;
  error?: { name: string; message: string };
  failedStep?: string;
  /** Row counts per table. */
  tables: Record<string, number>;
  loads: LoadReconciliation[];
  rejectedSample: RejectedRow[];
  checks: CheckOutcome[];
  steps: StepDuration[];
  charts: ChartSpec[];
  published?: PublishedResultSet[];
}

/** One run as the report index lists it; `href` is relative to the index page. */
export interface ReportIndexEntry {
  pipeline: string;
  runId: string;
  runDate: string;
  status: string;
  href: string;
  durationMs: number;
}
