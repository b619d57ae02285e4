// HTML building blocks shared by the run report and the index: escaping, number and time
// formatting, badges, and the self-contained page shell (inline CSS, no scripts, no fetches).
import { REPORT_CSS } from './styles.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The inverse of escapeHtml. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => Object.keys(ENTITIES).find((c) => ENTITIES[c] === entity)!);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 340 ms, 12.4 s, 3 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM:SS UTC`; anything unparseable as given. */
export function formatTimestamp(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The tone a status is shown in: good, bad, or neutral (running, skipped, anything else). */
export function statusTone(status: string): 'good' | 'bad' | 'neutral' {
  const s = status.toUpperCase();
  if (s === 'SUCCEEDED' || s === 'SUCCESS' || s === 'PASSED') return 'good';
  if (s === 'FAILED' || s === 'FAILURE' || s === 'TIMED_OUT' || s === 'ABORTED') return 'bad';
  return 'neutral';
}

/** A pill with a label; `kind` names what it marks, for styling and for tests (`data-badge`). */
export function badge(kind: string, label: string, tone: 'good' | 'bad' | 'neutral'): string {
  return `<span class="badge badge-${tone}" data-badge="${escapeHtml(kind)}">${escapeHtml(label)}</span>`;
}

/**
 * A complete page. The Content-Security-Policy forbids scripts and every fetch, so the file
 * opens the same from disk, a mail attachment or a bucket, and injected markup cannot run.
 */
export function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
${head}<style>${REPORT_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
