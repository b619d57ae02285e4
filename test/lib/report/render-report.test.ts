// The run report's HTML without a browser: every string escaped, badges, the reconciliation
// tick or cross, the failure box, empty sections, and the SVG marks each chart kind draws.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderRunReport, STEP_CHART_ID, type ChartSpec } from '../../../lib/report/index.ts';
import { HOSTILE, sampleReport } from './sample-report.ts';

/** The markup of the figure with `data-chart="id"`. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`data-chart="${id}"`);
  expect(start, `chart ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</figure>', start));
}

/** Data marks of one kind in a chart: the paths inside its `g.mark-<kind>.role-mark` groups. */
function marks(html: string, id: string, kind: 'rect' | 'line' | 'symbol'): number {
  const groups = [...figure(html, id).matchAll(new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g'))];
  return groups.reduce((n, g) => n + (g[1]!.match(/<path /g) ?? []).length, 0);
}

function chart(overrides: Partial<ChartSpec>): ChartSpec {
  return { id: 'c', title: 'chart', kind: 'bar', rows: [], x: 'x', y: 'y', ...overrides };
}

describe('renderRunReport', () => {
  it('escapes every string from the run, so markup in data shows as text', async () => {
    const html = await renderRunReport(
      sampleReport({
        pipeline: `p${HOSTILE}`,
        error: { name: `E${HOSTILE}`, message: `m${HOSTILE}` },
        failedStep: `s${HOSTILE}`,
        checks: [{ name: `c${HOSTILE}`, passed: false, detail: `d${HOSTILE}` }],
        steps: [{ step: `st${HOSTILE}`, status: 'SUCCEEDED', ms: 5 }],
        charts: [chart({ id: `id"${HOSTILE}`, title: `t${HOSTILE}`, rows: [{ x: HOSTILE, y: 1 }] })],
        published: [{ name: `n${HOSTILE}`, uri: `u${HOSTILE}`, rows: 1 }],
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(escapeHtml(`evil${HOSTILE}`));
    expect(html).toContain(escapeHtml(`{"ts":"${HOSTILE}","userId":"7"}`));
    for (const text of [`p${HOSTILE}`, `m${HOSTILE}`, `s${HOSTILE}`, `c${HOSTILE}`, `d${HOSTILE}`, `st${HOSTILE}`, `t${HOSTILE}`, `n${HOSTILE}`, `u${HOSTILE}`]) {
      expect(html).toContain(escapeHtml(text));
    }
    expect(html).toContain(`data-chart="${escapeHtml(`id"${HOSTILE}`)}"`);
  });

  it('is one page with no scripts and no fetches', async () => {
    const html = await renderRunReport(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\((?!#)|@import/i);
  });

  it('shows the run status and each check as a badge', async () => {
    const succeeded = await renderRunReport(sampleReport());
    expect(succeeded).toMatch(/<span class="badge badge-good" data-badge="status">SUCCEEDED<\/span>/);
    expect(succeeded.match(/data-badge="check">PASS</g)).toHaveLength(3);
    expect(succeeded).not.toContain('data-section="error"');

    const failed = await renderRunReport(
      sampleReport({
        status: 'FAILED',
        error: { name: 'DataQualityCheckFailed', message: '1 check failed' },
        failedStep: 'Checks',
        checks: [
          { name: 'a', passed: true, detail: '' },
          { name: 'b', passed: false, detail: '3 rows with a null level' },
        ],
        steps: [{ step: 'Checks', status: 'FAILED', ms: 12 }],
      }),
    );
    expect(failed).toMatch(/<span class="badge badge-bad" data-badge="status">FAILED<\/span>/);
    expect(failed).toMatch(/badge-bad" data-badge="check">FAIL</);
    expect(failed).toMatch(/badge-bad" data-badge="step">FAILED</);
    expect(failed).toContain('1 of 2 passed');
    expect(failed).toContain('data-section="error"');
    expect(failed).toContain('DataQualityCheckFailed: 1 check failed');
    expect(failed).toContain('failed at <b class="mono">Checks</b>');
  });

  it('ticks a load whose rows read were all loaded or rejected, and crosses one that lost rows', async () => {
    const html = await renderRunReport(
      sampleReport({
        loads: [
          { table: 'balanced', files: 1, read: 10, loaded: 8, rejected: 2 },
          { table: 'leaky', files: 1, read: 10, loaded: 7, rejected: 2 },
          { table: 'overfull', files: 1, read: 10, loaded: 9, rejected: 3 },
        ],
      }),
    );
    const rows = [...html.matchAll(/<tr><td class="mono">(\w+)<\/td>.*?<\/tr>/g)].filter((m) => m[0].includes('data-reconciled'));
    expect(rows.map((r) => [r[1], /data-reconciled="(\w+)"/.exec(r[0])![1]])).toEqual([
      ['balanced', 'true'],
      ['leaky', 'false'],
      ['overfull', 'false'],
    ]);
    expect(html).toContain('✓ balanced');
    expect(html).toContain('✗ 1 row(s) unaccounted for');
    expect(html).toContain('✗ 2 row(s) more than read');
  });

  it('lists the rejected sample with its reasons, and says so when nothing was rejected', async () => {
    const html = await renderRunReport(sampleReport());
    expect(html.match(/<tr data-rejected>/g)).toHaveLength(2);
    expect(html).toContain('Rejected rows (2 of 2)');
    expect(html).toContain('log_data/2018/11/2018-11-05-events.json:118');
    expect(html).toContain('<td class="reason">Invalid numeric value for column ts</td>');

    const clean = await renderRunReport(sampleReport({ rejectedSample: [], loads: [], checks: [], steps: [], charts: [], published: [], tables: {} }));
    for (const empty of ['No rows were rejected.', 'This run staged no files.', 'No checks ran.', 'The run audit recorded no steps.', 'This pipeline defines no charts.', 'This run published no result sets.', 'No tables were counted.']) {
      expect(clean).toContain(empty);
    }
  });

  it('draws one bar per step, and one SVG mark per data point for each chart kind', async () => {
    const html = await renderRunReport(
      sampleReport({
        charts: [
          chart({ id: 'bars', rows: [{ x: 'a', y: 1 }, { x: 'b', y: null }, { x: 'c', y: 3 }] }),
          chart({ id: 'long', rows: [{ x: 'a label longer than twelve', y: 1 }, { x: 'b', y: 2 }] }),
          chart({ id: 'stacked', kind: 'stacked-bar', color: 's', rows: ['a', 'b', 'c'].flatMap((x) => [{ x, s: 'p', y: 1 }, { x, s: 'q', y: 2 }]) }),
          chart({ id: 'grouped', color: 's', rows: ['a', 'b'].flatMap((x) => [{ x, s: 'p', y: 1 }, { x, s: 'q', y: 2 }]) }),
          chart({ id: 'line', kind: 'line', rows: [1, 2, 3, 4].map((x) => ({ x, y: x * x })) }),
          chart({ id: 'lines', kind: 'line', color: 's', rows: [1, 2, 3].flatMap((x) => [{ x, s: 'p', y: x }, { x, s: 'q', y: 2 * x }]) }),
          chart({ id: 'dotted.field', kind: 'line', x: 'a.b', y: 'c[0]', rows: [{ 'a.b': '2018-11-01', 'c[0]': 1 }, { 'a.b': '2018-11-02', 'c[0]': 2 }] }),
          chart({ id: 'empty', rows: [] }),
        ],
      }),
    );
    expect(marks(html, STEP_CHART_ID, 'rect')).toBe(sampleReport().steps.length);
    expect(marks(html, 'bars', 'rect')).toBe(2);
    expect(marks(html, 'long', 'rect')).toBe(2);
    expect(marks(html, 'stacked', 'rect')).toBe(6);
    expect(marks(html, 'grouped', 'rect')).toBe(4);
    expect([marks(html, 'line', 'line'), marks(html, 'line', 'symbol')]).toEqual([1, 4]);
    expect([marks(html, 'lines', 'line'), marks(html, 'lines', 'symbol')]).toEqual([2, 6]);
    expect([marks(html, 'dotted.field', 'line'), marks(html, 'dotted.field', 'symbol')]).toEqual([1, 2]);
    expect(figure(html, 'empty')).toContain('No rows.');
    expect(figure(html, 'empty')).not.toContain('<svg');
  });

  it('leaves the rows it charts untouched', async () => {
    const rows = [{ x: 'a', y: 1 }];
    await renderRunReport(sampleReport({ charts: [chart({ rows })] }));
    expect(rows).toEqual([{ x: 'a', y: 1 }]);
    expect(Object.getOwnPropertySymbols(rows[0]!)).toEqual([]);
  });
});
