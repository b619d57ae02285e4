// Renders a run's outcome for a person at a terminal: rows per table, loads, checks, time.
import type { Row } from '../../lambdas/core/ports.ts';
import type { RunOutcome } from './runner.ts';

export function formatOutcome(outcome: RunOutcome): string {
  const lines: string[] = [];
  const status = outcome.status === 'SUCCEEDED' ? 'succeeded' : 'FAILED';
  lines.push(`${outcome.pipeline} run ${outcome.runId} ${status} in ${(outcome.durationMs / 1000).toFixed(1)} s`, '');
  lines.push(...table(['table', 'rows'], Object.entries(outcome.tables).map(([t, n]) => [t, n.toLocaleString('en-US')])), '');
  if (outcome.loads.length > 0) {
    lines.push(
      ...table(
        ['staged', 'files', 'read', 'loaded', 'rejected'],
        outcome.loads.map((l) => [l.table, l.files, l.read, l.loaded, l.rejected].map((v) => v.toLocaleString('en-US'))),
      ),
      '',
    );
  }
  if (outcome.checks.length > 0) {
    const passed = outcome.checks.filter((c) => c.passed).length;
    lines.push(`checks: ${passed}/${outcome.checks.length} passed`);
    for (const check of outcome.checks) lines.push(`  ${check.passed ? 'PASS' : 'FAIL'}  ${check.name}  ${check.passed ? '' : check.detail}`.trimEnd());
    lines.push('');
  }
  if (outcome.error) {
    lines.push(`failed at: ${outcome.failedStep ?? '(before the first step)'}`, `error: ${outcome.error.name}: ${outcome.error.message}`);
    if (outcome.alertError) lines.push(`the failure alert was NOT sent: ${outcome.alertError.name}: ${outcome.alertError.message}`);
    lines.push(`resume with: redline run ${outcome.pipeline} --resume ${outcome.runId}`, '');
  }
  return `${lines.join('\n')}\n`;
}

/** One line per date of a backfill: status, rows staged and rejected, duration. */
export function formatBackfill(outcomes: readonly RunOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.runDate,
    o.status,
    o.loads.reduce((n, l) => n + l.loaded, 0).toLocaleString('en-US'),
    o.loads.reduce((n, l) => n + l.rejected, 0).toLocaleString('en-US'),
    `${o.durationMs} ms`,
    o.error ? `${o.error.name}` : '',
  ]);
  return `${table(['run date', 'status', 'staged', 'rejected', 'took', 'error'], rows).join('\n')}\n`;
}

/** The run audit's rows, newest first. */
export function formatRuns(rows: readonly Row[]): string {
  if (rows.length === 0) return 'no runs recorded yet\n';
  const columns = ['run_id', 'run_date', 'step', 'status', 'rows_loaded', 'rows_rejected', 'started_at', 'ms'];
  return `${table(columns, rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))))).join('\n')}\n`;
}

/** Any query's rows as a table, columns in the order of the first row. */
export function formatRows(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  return `${table(columns, rows.map((r) => columns.map((c) => cell(r[c])))).join('\n')}\n`;
}

/** Left-aligned first column, right-aligned numbers. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const render = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)];
}
