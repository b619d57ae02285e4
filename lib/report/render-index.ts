// The page that lists every run report: one group per pipeline (by name), runs newest first,
// each linking to its report by a relative href so the folder can be opened from disk.
import { badge, escapeHtml, formatDuration, page, statusTone } from './html.ts';
import type { ReportIndexEntry } from './types.ts';

/**
 * Runs are ordered by run date, newest first; runs of the same date keep the reverse of the
 * order given, so with entries listed as they were written the latest rerun comes first.
 */
export function renderReportIndex(entries: readonly ReportIndexEntry[]): string {
  const groups = new Map<string, ReportIndexEntry[]>();
  for (const entry of [...entries].reverse()) {
    const group = groups.get(entry.pipeline) ?? [];
    group.push(entry);
    groups.set(entry.pipeline, group);
  }
  const sections = [...groups.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((pipeline) => group(pipeline, groups.get(pipeline)!.sort((a, b) => (a.runDate < b.runDate ? 1 : a.runDate > b.runDate ? -1 : 0))));
  const count = `${entries.length} run${entries.length === 1 ? '' : 's'} of ${groups.size} pipeline${groups.size === 1 ? '' : 's'}`;
  const body = `<main>
<header class="report-header"><p class="eyebrow">redline</p><h1>Run reports</h1><p class="meta">${count}</p></header>
${sections.length > 0 ? sections.join('\n') : '<section class="card"><p class="empty">No runs have been reported yet.</p></section>'}
</main>`;
  return page('redline run reports', body);
}

function group(pipeline: string, runs: readonly ReportIndexEntry[]): string {
  const latest = runs[0]!;
  const rows = runs.map(
    (r) =>
      `<tr data-run="${escapeHtml(r.runId)}"><td>${escapeHtml(r.runDate)}</td><td><a class="mono" href="${escapeHtml(r.href)}">${escapeHtml(r.runId)}</a></td>` +
      `<td>${badge('status', r.status, statusTone(r.status))}</td><td class="num">${escapeHtml(formatDuration(r.durationMs))}</td></tr>`,
  );
  return `<section class="card group" data-pipeline="${escapeHtml(pipeline)}">
<h2>${escapeHtml(pipeline)} <span class="muted">· latest ${escapeHtml(latest.runDate)}</span> ${badge('latest', latest.status, statusTone(latest.status))}</h2>
<table><thead><tr><th>run date</th><th>run</th><th>status</th><th class="num">took</th></tr></thead><tbody>${rows.join('')}</tbody></table>
</section>`;
}
