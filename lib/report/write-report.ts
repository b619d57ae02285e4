// Writes a run's report to `<dir>/<pipeline>/<runId>.html` and rebuilds `<dir>/index.html` from
// every report under dir. `<dir>/reports.json` keeps the index entries in the order they were
// written; a report file it does not list is read back from the entry embedded in the page.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { unescapeHtml } from './html.ts';
import { renderReportIndex } from './render-index.ts';
import { REPORT_META_NAME, renderRunReport } from './render-report.ts';
import type { ReportIndexEntry, RunReport } from './types.ts';

export const MANIFEST_FILE = 'reports.json';
export const INDEX_FILE = 'index.html';

interface Manifest {
  entries: ReportIndexEntry[];
}

/** Writes to one folder run one after another, so concurrent runs never lose an index entry. */
const queues = new Map<string, Promise<unknown>>();

export async function writeReport(dir: string, report: RunReport): Promise<{ file: string; index: string }> {
  pathSegment(report.pipeline, 'pipeline name');
  pathSegment(report.runId, 'run id');
  const html = await renderRunReport(report);
  return serialized(resolve(dir), async () => {
    const file = join(dir, report.pipeline, `${report.runId}.html`);
    await mkdir(dirname(file), { recursive: true });
    await writeAtomically(file, html);
    const entry: ReportIndexEntry = {
      pipeline: report.pipeline,
      runId: report.runId,
      runDate: report.runDate,
      status: report.status,
      href: hrefOf(report.pipeline, report.runId),
      durationMs: report.durationMs,
    };
    const entries = [...(await entriesUnder(dir)).filter((e) => e.href !== entry.href), entry];
    await writeAtomically(join(dir, MANIFEST_FILE), `${JSON.stringify({ entries } satisfies Manifest, null, 2)}\n`);
    const index = join(dir, INDEX_FILE);
    await writeAtomically(index, renderReportIndex(entries));
    return { file, index };
  });
}

/** The manifest's entries whose report is still there, then any report it does not list. */
async function entriesUnder(dir: string): Promise<ReportIndexEntry[]> {
  const found = await reportFiles(dir);
  const listed = (await readManifest(dir)).filter((e) => found.has(e.href));
  const known = new Set(listed.map((e) => e.href));
  const recovered: ReportIndexEntry[] = [];
  for (const [href, path] of found) {
    if (known.has(href)) continue;
    const entry = embeddedEntry(await readFile(path, 'utf8'), href);
    if (entry) recovered.push(entry);
  }
  return [...listed, ...recovered];
}

/** href → path of every `<pipeline>/<runId>.html` under dir. */
async function reportFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const folder of await readdir(dir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of await readdir(join(dir, folder.name), { withFileTypes: true })) {
      if (!file.isFile() || !file.name.endsWith('.html')) continue;
      files.set(hrefOf(folder.name, file.name.slice(0, -'.html'.length)), join(dir, folder.name, file.name));
    }
  }
  return files;
}

/** A missing or unreadable manifest is rebuilt from the reports themselves. */
async function readManifest(dir: string): Promise<ReportIndexEntry[]> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    return Array.isArray(manifest.entries) ? manifest.entries : [];
  } catch {
    return [];
  }
}

/** The index entry a report page carries; none for a page that is not a readable report. */
function embeddedEntry(html: string, href: string): ReportIndexEntry | undefined {
  const match = new RegExp(`<meta name="${REPORT_META_NAME}" content="([^"]*)">`).exec(html);
  if (!match) return undefined;
  let meta: Omit<ReportIndexEntry, 'href'>;
  try {
    meta = JSON.parse(unescapeHtml(match[1]!)) as Omit<ReportIndexEntry, 'href'>;
  } catch {
    return undefined;
  }
  return { pipeline: meta.pipeline, runId: meta.runId, runDate: meta.runDate, status: meta.status, href, durationMs: meta.durationMs };
}

function hrefOf(pipeline: string, runId: string): string {
  return `${encodeURIComponent(pipeline)}/${encodeURIComponent(runId)}.html`;
}

/** Pipeline names and run ids become file names: no separators, no leading dot. */
function pathSegment(value: string, what: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value)) throw new InvalidInput(`a report cannot be written for ${what} ${JSON.stringify(value)}`);
}

/** Readers of the folder see the old file or the new one, never half of one. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await next;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
