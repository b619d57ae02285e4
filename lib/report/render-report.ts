// One run as a self-contained HTML page: status, rows per table, reconciliation of each load
// with its rejected rows, checks, duration per step, the pipeline's charts (inline SVG drawn
// here) and the result sets it published. Every string from the run is escaped.
import { renderChartSvg, renderStepDurationsSvg } from './charts.ts';
import { badge, escapeHtml, formatCount, formatDuration, formatTimestamp, page, statusTone } from './html.ts';
import type { ChartSpec, CheckOutcome, LoadReconciliation, PublishedResultSet, RejectedRow, RunReport, StepDuration } from './types.ts';

/** The `<meta name=…>` whose content is the run's index entry as JSON, read back by writeReport. */
export const REPORT_META_NAME = 'redline-run';
/** The `data-chart` of the duration-per-step chart. */
export const STEP_CHART_ID = 'redline-step-durations';
/** Rows a chart's data table shows under it. */
const DATA_TABLE_ROWS = 50;

export async function renderRunReport(report: RunReport): Promise<string> {
  const [charts, stepChart] = await Promise.all([
    Promise.all(report.charts.map(chartFigure)),
    report.steps.length > 0 ? chartOrError(() => renderStepDurationsSvg(report.steps)) : Promise.resolve(''),
  ]);
  const meta = { pipeline: report.pipeline, runId: report.runId, runDate: report.runDate, status: report.status, durationMs: report.durationMs };
  const body = `<main>
${header(report)}
${failure(report)}${summary(report)}
${card('Rows per table', 'tables', tables(report.tables))}
${card('Reconciliation', 'reconciliation', reconciliation(report.loads, report.rejectedSample))}
${card(`Checks ${checksTally(report.checks)}`, 'checks', checks(report.checks))}
${card('Duration per step', 'steps', steps(report.steps, stepChart))}
${card('Charts', 'charts', charts.length > 0 ? charts.join('\n') : '<p class="empty">This pipeline defines no charts.</p>')}
${card('Published result sets', 'published', published(report.published ?? []))}
<footer>redline run report · ${escapeHtml(report.pipeline)} · ${escapeHtml(report.runId)}</footer>
</main>`;
  return page(
    `${report.pipeline} ${report.runDate} · ${report.status}`,
    body,
    `<meta name="${REPORT_META_NAME}" content="${escapeHtml(JSON.stringify(meta))}">\n`,
  );
}

function header(report: RunReport): string {
  const started = report.startedAt ? `<span>started <b>${escapeHtml(formatTimestamp(report.startedAt))}</b></span>` : '';
  return `<header class="report-header">
<p class="eyebrow">redline run report</p>
<h1>${escapeHtml(report.pipeline)} · ${escapeHtml(report.runDate)}</h1>${badge('status', report.status, statusTone(report.status))}
<p class="meta"><span>run <b class="mono">${escapeHtml(report.runId)}</b></span>${started}<span>took <b>${escapeHtml(formatDuration(report.durationMs))}</b></span></p>
</header>`;
}

function failure(report: RunReport): string {
  if (!report.error && !report.failedStep) return '';
  const step = `<p>failed at <b class="mono">${escapeHtml(report.failedStep ?? '(before the first step)')}</b></p>`;
  const error = report.error ? `<pre class="mono">${escapeHtml(`${report.error.name}: ${report.error.message}`)}</pre>` : '';
  return `<div class="error-box" data-section="error"><h2>The run failed</h2>${step}${error}</div>\n`;
}

function summary(report: RunReport): string {
  const loaded = report.loads.reduce((n, l) => n + l.loaded, 0);
  const rejected = report.loads.reduce((n, l) => n + l.rejected, 0);
  const passed = report.checks.filter((c) => c.passed).length;
  const stat = (label: string, value: string) => `<div class="stat"><div class="label">${label}</div><div class="value">${escapeHtml(value)}</div></div>`;
  return `<div class="summary">${[
    stat('Duration', formatDuration(report.durationMs)),
    stat('Rows loaded', formatCount(loaded)),
    stat('Rows rejected', formatCount(rejected)),
    stat('Checks passed', `${passed} / ${report.checks.length}`),
    stat('Tables', formatCount(Object.keys(report.tables).length)),
  ].join('')}</div>`;
}

function card(title: string, id: string, content: string): string {
  return `<section class="card" data-section="${id}"><h2>${title}</h2>\n${content}\n</section>`;
}

function tables(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '<p class="empty">No tables were counted.</p>';
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const rows = entries.map(
    ([table, n]) =>
      `<tr><td class="mono">${escapeHtml(table)}</td><td class="num">${formatCount(n)}</td>` +
      `<td class="bar-cell"><div class="meter"><span style="width:${((n / max) * 100).toFixed(1)}%"></span></div></td></tr>`,
  );
  return `<table><thead><tr><th>table</th><th class="num">rows</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function reconciliation(loads: readonly LoadReconciliation[], sample: readonly RejectedRow[]): string {
  const loadTable =
    loads.length === 0
      ? '<p class="empty">This run staged no files.</p>'
      : `<table><thead><tr><th>staged table</th><th class="num">files</th><th class="num">read</th><th class="num">loaded</th><th class="num">rejected</th><th>read = loaded + rejected</th></tr></thead><tbody>${loads
          .map(
            (l) =>
              `<tr><td class="mono">${escapeHtml(l.table)}</td>${[l.files, l.read, l.loaded, l.rejected]
                .map((n) => `<td class="num">${formatCount(n)}</td>`)
                .join('')}<td class="reconciled">${balance(l)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const rejected = loads.reduce((n, l) => n + l.rejected, 0);
  return `${loadTable}\n<h3>Rejected rows${sample.length > 0 ? ` (${formatCount(sample.length)} of ${formatCount(Math.max(rejected, sample.length))})` : ''}</h3>\n${rejectedSample(sample)}`;
}

/** A tick when every row read was either loaded or rejected, else a cross with the gap. */
function balance(load: LoadReconciliation): string {
  const gap = load.read - load.loaded - load.rejected;
  if (gap === 0) return '<span class="tick" data-reconciled="true" title="every row read was loaded or rejected">✓ balanced</span>';
  const off = `${gap > 0 ? `${formatCount(gap)} row(s) unaccounted for` : `${formatCount(-gap)} row(s) more than read`}`;
  return `<span class="cross" data-reconciled="false" title="read ≠ loaded + rejected">✗ ${off}</span>`;
}

function rejectedSample(sample: readonly RejectedRow[]): string {
  if (sample.length === 0) return '<p class="empty">No rows were rejected.</p>';
  const rows = sample.map(
    (r) =>
      `<tr data-rejected><td class="mono">${escapeHtml(r.table)}</td><td class="mono">${escapeHtml(r.fileName)}:${r.lineNumber}</td>` +
      `<td class="reason">${escapeHtml(r.errorMessage)}</td><td><code class="raw">${escapeHtml(r.rawLine)}</code></td></tr>`,
  );
  return `<table><thead><tr><th>table</th><th>file:line</th><th>reason</th><th>raw line</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checksTally(list: readonly CheckOutcome[]): string {
  if (list.length === 0) return '';
  const passed = list.filter((c) => c.passed).length;
  return `<span class="muted">· ${passed} of ${list.length} passed</span>`;
}

function checks(list: readonly CheckOutcome[]): string {
  if (list.length === 0) return '<p class="empty">No checks ran.</p>';
  const items = list.map(
    (c) =>
      `<li data-check="${escapeHtml(c.name)}">${badge('check', c.passed ? 'PASS' : 'FAIL', c.passed ? 'good' : 'bad')}` +
      `<span class="mono">${escapeHtml(c.name)}</span><span class="detail">${escapeHtml(c.detail)}</span></li>`,
  );
  return `<ul class="checks">${items.join('')}</ul>`;
}

function steps(list: readonly StepDuration[], chart: string): string {
  if (list.length === 0) return '<p class="empty">The run audit recorded no steps.</p>';
  const rows = list.map(
    (s) =>
      `<tr><td class="mono">${escapeHtml(s.step)}</td><td>${badge('step', s.status, statusTone(s.status))}</td>` +
      `<td class="num">${escapeHtml(formatDuration(s.ms))}</td></tr>`,
  );
  return `<figure class="chart" data-chart="${STEP_CHART_ID}"><div class="chart-canvas">${chart}</div></figure>
<table><thead><tr><th>step</th><th>status</th><th class="num">took</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

async function chartFigure(chart: ChartSpec): Promise<string> {
  const drawing = chart.rows.length === 0 ? '<p class="empty">No rows.</p>' : await chartOrError(() => renderChartSvg(chart));
  return `<figure class="chart" data-chart="${escapeHtml(chart.id)}" data-kind="${chart.kind}">
<figcaption>${escapeHtml(chart.title)}</figcaption>
<div class="chart-canvas">${drawing}</div>
${dataTable(chart)}
</figure>`;
}

/** A chart that cannot be drawn says why in its place; the rest of the report still renders. */
async function chartOrError(draw: () => Promise<string>): Promise<string> {
  try {
    return await draw();
  } catch (error) {
    return `<p class="chart-error">This chart could not be drawn: ${escapeHtml((error as Error).message)}</p>`;
  }
}

/** The numbers behind a chart, folded away under it. */
function dataTable(chart: ChartSpec): string {
  if (chart.rows.length === 0) return '';
  const columns = [...new Set(chart.rows.flatMap((row) => Object.keys(row)))];
  const shown = chart.rows.slice(0, DATA_TABLE_ROWS);
  const cell = (v: string | number | null | undefined) =>
    typeof v === 'number' ? `<td class="num">${v}</td>` : `<td>${escapeHtml(v ?? '')}</td>`;
  const more = chart.rows.length > shown.length ? ` (first ${shown.length} of ${formatCount(chart.rows.length)})` : '';
  return `<details><summary>data${more}</summary><table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${shown
    .map((row) => `<tr>${columns.map((c) => cell(row[c])).join('')}</tr>`)
    .join('')}</tbody></table></details>`;
}

function published(list: readonly PublishedResultSet[]): string {
  if (list.length === 0) return '<p class="empty">This run published no result sets.</p>';
  const rows = list.map(
    (p) => `<tr><td class="mono">${escapeHtml(p.name)}</td><td><code>${escapeHtml(p.uri)}</code></td><td class="num">${formatCount(p.rows)}</td></tr>`,
  );
  return `<table><thead><tr><th>result set</th><th>location</th><th class="num">rows</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
