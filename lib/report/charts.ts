// Charts drawn at report time in Node: a ChartSpec becomes a Vega-Lite spec, compiled to Vega and
// rendered headless (renderer 'none') to an SVG string. Every data mark stays its own element
// (bars: `g.mark-rect path`, lines: `g.mark-line path`, points: `g.mark-symbol path`).
import { Error as ERRORS_ONLY, logger, parse, View } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
import type { ChartSpec, StepDuration } from './types.ts';
import { statusTone } from './html.ts';

const WIDTH = 940;
const HEIGHT = 260;
const BAR_STEP = 24;
/** A bar chart whose longest category label is longer than this draws its bars horizontally. */
const LONG_LABEL = 12;
const ACCENT = '#4f6bed';
const FAILED = '#dc2626';

const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  background: 'transparent',
  padding: 4,
  view: { stroke: null },
  axis: {
    labelColor: '#4b5563',
    titleColor: '#374151',
    titleFontWeight: 600,
    labelFontSize: 11,
    titleFontSize: 11,
    domainColor: '#cbd5e1',
    tickColor: '#cbd5e1',
    gridColor: '#eef1f5',
  },
  axisBand: { grid: false, ticks: false, labelLimit: 360 },
  bar: { color: ACCENT, cornerRadiusEnd: 2 },
  line: { color: ACCENT, strokeWidth: 2 },
  point: { color: ACCENT, filled: true, size: 40 },
  legend: { orient: 'bottom', labelColor: '#4b5563', titleColor: '#374151', labelFontSize: 11, titleFontSize: 11 },
  range: { category: ['#4f6bed', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#64748b', '#f97316'] },
};

/** The chart as an SVG document fragment (`<svg class="marks" …>`). */
export async function renderChartSvg(chart: ChartSpec): Promise<string> {
  return toSvg(chartSpec(chart));
}

/** Duration per step as horizontal bars, a failed step in red, in the order the steps ran. */
export async function renderStepDurationsSvg(steps: readonly StepDuration[]): Promise<string> {
  const seen = new Map<string, number>();
  const values = steps.map(({ step, status, ms }) => {
    const count = (seen.get(step) ?? 0) + 1;
    seen.set(step, count);
    return { step: count === 1 ? step : `${step} (${count})`, status, ms, failed: statusTone(status) === 'bad' };
  });
  return toSvg({
    data: { values },
    width: WIDTH,
    height: { step: BAR_STEP },
    autosize: { type: 'fit-x', contains: 'padding' },
    mark: 'bar',
    encoding: {
      y: { field: 'step', type: 'ordinal', sort: null, title: null },
      x: { field: 'ms', type: 'quantitative', title: 'milliseconds' },
      color: { condition: { test: 'datum.failed', value: FAILED }, value: ACCENT },
    },
  });
}

// Only errors are logged: Vega-Lite warns of nothing a report's reader could act on (and of a
// dropped "fit-y" that horizontal bars never asked for); a chart that cannot be drawn throws.
async function toSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile(spec, { config: CONFIG, logger: logger(ERRORS_ONLY) }).spec;
  const view = new View(parse(vega), { renderer: 'none', logLevel: ERRORS_ONLY });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function chartSpec(chart: ChartSpec): TopLevelSpec {
  // Vega mutates the objects it ingests; the caller's rows stay untouched.
  const values = chart.rows.map((row) => ({ ...row }));
  const x = field(chart.x);
  const y = field(chart.y);
  const series = chart.color === undefined ? undefined : field(chart.color);
  const common = { data: { values }, description: chart.title, autosize: { type: 'fit-x', contains: 'padding' } } as const;
  if (chart.kind === 'line') {
    return {
      ...common,
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x, ...lineAxis(chart), title: chart.x },
        y: { field: y, type: 'quantitative', title: chart.y },
        ...(series ? { color: { field: series, type: 'nominal', sort: null, title: chart.color } } : {}),
      },
    };
  }
  const category = { field: x, type: 'ordinal', sort: null, title: chart.x } as const;
  const measure = { field: y, type: 'quantitative', title: chart.y } as const;
  const color = series ? { color: { field: series, type: 'nominal', sort: null, title: chart.color } } as const : {};
  // A plain bar chart with series groups them side by side; a stacked one piles them up.
  const grouped = series !== undefined && chart.kind === 'bar';
  const labels = chart.rows.map((row) => String(row[chart.x] ?? ''));
  if (labels.some((label) => label.length > LONG_LABEL)) {
    return {
      ...common,
      width: WIDTH,
      height: { step: BAR_STEP },
      mark: 'bar',
      encoding: {
        // The category's name heads its labels, above the plot, instead of running beside them.
        y: { ...category, axis: { titleAngle: 0, titleAlign: 'right', titleBaseline: 'bottom', titleX: -8, titleY: -6 } },
        x: measure,
        ...color,
        ...(grouped ? { yOffset: { field: series, sort: null } } : {}),
      },
    };
  }
  return {
    ...common,
    width: WIDTH,
    height: HEIGHT,
    mark: 'bar',
    encoding: {
      x: { ...category, axis: { labelAngle: 0, labelOverlap: 'parity' } },
      y: measure,
      ...color,
      ...(grouped ? { xOffset: { field: series, sort: null } } : {}),
    },
  };
}

/**
 * Numbers make a continuous axis (whole numbers only at whole ticks), ISO dates a day axis, ISO timestamps a time axis (both in
 * UTC, as the warehouse stores them), anything else points in row order.
 */
function lineAxis(chart: ChartSpec) {
  const xs = chart.rows.map((row) => row[chart.x]).filter((v) => v !== null && v !== undefined);
  const all = (test: (v: string | number) => boolean) => xs.length > 0 && xs.every(test);
  if (all((v) => typeof v === 'number')) return { type: 'quantitative', ...(all(Number.isInteger) ? { axis: { tickMinStep: 1 } } : {}) } as const;
  if (all((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) return { type: 'temporal', timeUnit: 'utcyearmonthdate' } as const;
  if (all((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v))) return { type: 'temporal', scale: { type: 'utc' } } as const;
  return { type: 'ordinal', sort: null } as const;
}

/** A column name as a Vega-Lite field: dots and brackets are literal, not nested access. */
function field(name: string): string {
  return name.replace(/[.[\]\\]/g, '\\$&');
}
