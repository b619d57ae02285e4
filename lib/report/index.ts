// redline's static run reports: one self-contained HTML page per run with its charts drawn as
// inline SVG, and an index page linking every run, grouped by pipeline.
export { renderRunReport, REPORT_META_NAME, STEP_CHART_ID } from './render-report.ts';
export { renderReportIndex } from './render-index.ts';
export { writeReport, INDEX_FILE, MANIFEST_FILE } from './write-report.ts';
export { escapeHtml } from './html.ts';
export type {
  ChartSpec,
  CheckOutcome,
  LoadReconciliation,
  PublishedResultSet,
  RejectedRow,
  ReportIndexEntry,
  RunReport,
  RunStatus,
  StepDuration,
} from './types.ts';
