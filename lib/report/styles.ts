// The stylesheet inlined into every report page: a light, readable layout of cards, tables,
// badges and charts that also prints cleanly.
export const REPORT_CSS = `
:root {
  --bg: #f5f6fa; --card: #ffffff; --border: #e3e6ee; --text: #1f2430; --muted: #626b7f;
  --accent: #4f6bed; --good: #047857; --good-bg: #d1fae5; --bad: #b91c1c; --bad-bg: #fee2e2;
  --neutral: #475569; --neutral-bg: #e2e8f0;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
}
main { max-width: 1040px; margin: 0 auto; padding: 28px 20px 48px; }
header.report-header { margin-bottom: 20px; }
.eyebrow { color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; margin: 0 0 4px; }
h1 { font-size: 26px; line-height: 1.25; margin: 0 8px 8px 0; display: inline-block; vertical-align: middle; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); font-weight: 600; }
.meta { color: var(--muted); margin: 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.meta b { color: var(--text); font-weight: 600; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
section.card {
  background: var(--card); border: 1px solid var(--border); border-radius: 10px;
  padding: 18px 20px; margin: 0 0 16px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04);
}
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 0 0 16px; }
.stat { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px; }
.stat .label { color: var(--muted); font-size: 12px; }
.stat .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.error-box {
  border: 1px solid #fecaca; background: #fff5f5; border-radius: 10px; padding: 14px 18px; margin: 0 0 16px;
}
.error-box h2 { color: var(--bad); }
.error-box pre { white-space: pre-wrap; word-break: break-word; margin: 6px 0 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
tbody tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar-cell { width: 38%; }
.meter { height: 8px; border-radius: 4px; background: #eef1f7; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--accent); border-radius: 4px; }
.badge {
  display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 650;
  letter-spacing: .03em; white-space: nowrap; vertical-align: middle;
}
h1 + .badge { font-size: 13px; padding: 3px 12px; }
.badge-good { color: var(--good); background: var(--good-bg); }
.badge-bad { color: var(--bad); background: var(--bad-bg); }
.badge-neutral { color: var(--neutral); background: var(--neutral-bg); }
.tick { color: var(--good); font-weight: 700; }
.cross { color: var(--bad); font-weight: 700; }
.reconciled { white-space: nowrap; }
.raw { display: block; white-space: pre-wrap; word-break: break-all; background: #f6f7f9; border-radius: 4px; padding: 2px 6px; }
.reason { color: var(--bad); }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; margin: 0; }
ul.checks { list-style: none; margin: 0; padding: 0; }
ul.checks li { display: flex; gap: 12px; align-items: baseline; padding: 8px 0; border-bottom: 1px solid var(--border); }
ul.checks li:last-child { border-bottom: none; }
ul.checks .badge { min-width: 50px; text-align: center; }
ul.checks .detail { color: var(--muted); }
figure.chart { margin: 0 0 8px; }
figure.chart + figure.chart { margin-top: 20px; padding-top: 18px; border-top: 1px solid var(--border); }
figure.chart figcaption { font-weight: 600; margin: 0 0 8px; }
.chart-canvas svg { display: block; max-width: 100%; height: auto; }
.chart-error { color: var(--bad); }
details { margin-top: 6px; color: var(--muted); }
details summary { cursor: pointer; font-size: 12px; }
details table { margin-top: 6px; font-size: 12.5px; }
.group { margin-bottom: 16px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media print {
  body { background: #fff; }
  section.card, .stat { box-shadow: none; break-inside: avoid; }
}
`;
