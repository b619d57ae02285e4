// The report index (grouped by pipeline, newest first, relative links) and writeReport's folder:
// one page per run, a manifest, the index rebuilt from every report found there.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INDEX_FILE, MANIFEST_FILE, renderReportIndex, writeReport, type ReportIndexEntry } from '../../../lib/report/index.ts';
import { HOSTILE, sampleReport } from './sample-report.ts';

function entry(pipeline: string, runDate: string, runId = `${pipeline}-${runDate}`, status = 'SUCCEEDED'): ReportIndexEntry {
  return { pipeline, runId, runDate, status, href: `${pipeline}/${runId}.html`, durationMs: 1200 };
}

/** [pipeline, [runId…]] in page order. */
function listing(html: string): [string, string[]][] {
  return [...html.matchAll(/<section class="card group" data-pipeline="([^"]*)">(.*?)<\/section>/gs)].map((section) => [
    section[1]!,
    [...section[2]!.matchAll(/<tr data-run="([^"]*)">/g)].map((row) => row[1]!),
  ]);
}

function links(html: string): string[] {
  return [...html.matchAll(/<a class="mono" href="([^"]*)">/g)].map((m) => m[1]!);
}

describe('renderReportIndex', () => {
  it('groups runs by pipeline name and lists each group newest first', () => {
    const html = renderReportIndex([
      entry('sparkify', '2018-11-02'),
      entry('weather', '2024-03-01'),
      entry('sparkify', '2018-11-05'),
      entry('sparkify', '2018-11-03'),
      entry('airports', '2024-01-01'),
    ]);
    expect(listing(html)).toEqual([
      ['airports', ['airports-2024-01-01']],
      ['sparkify', ['sparkify-2018-11-05', 'sparkify-2018-11-03', 'sparkify-2018-11-02']],
      ['weather', ['weather-2024-03-01']],
    ]);
    expect(html).toContain('5 runs of 3 pipelines');
  });

  it('puts the later-listed of two runs of one date first (a rerun after a failure)', () => {
    const html = renderReportIndex([entry('p', '2018-11-05', 'first', 'FAILED'), entry('p', '2018-11-05', 'rerun')]);
    expect(listing(html)).toEqual([['p', ['rerun', 'first']]]);
  });

  it('links every run by its relative href and shows its status as a badge', () => {
    const html = renderReportIndex([entry('p', '2018-11-04', 'a', 'FAILED'), entry('p', '2018-11-05', 'b')]);
    expect(links(html)).toEqual(['p/b.html', 'p/a.html']);
    expect(html).toMatch(/badge-bad" data-badge="status">FAILED</);
    expect(html).toMatch(/badge-good" data-badge="status">SUCCEEDED</);
    expect(html).toMatch(/badge-good" data-badge="latest">SUCCEEDED</);
  });

  it('escapes pipeline names, run ids and hrefs', () => {
    const html = renderReportIndex([{ ...entry(`p${HOSTILE}`, '2018-11-05', `r${HOSTILE}`), href: `x"><script>.html` }]);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('href="x&quot;&gt;&lt;script&gt;.html"');
  });

  it('says so when there are no runs', () => {
    expect(renderReportIndex([])).toContain('No runs have been reported yet.');
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redline-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <dir>/<pipeline>/<runId>.html, the manifest and an index linking it', async () => {
    const report = sampleReport();
    const written = await writeReport(dir, report);
    expect(written).toEqual({ file: join(dir, 'sparkify', `${report.runId}.html`), index: join(dir, INDEX_FILE) });
    expect(await readFile(written.file, 'utf8')).toContain('data-chart="plays-per-hour"');
    expect(links(await readFile(written.index, 'utf8'))).toEqual([`sparkify/${report.runId}.html`]);
    expect(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'))).toEqual({
      entries: [{ pipeline: 'sparkify', runId: report.runId, runDate: '2018-11-05', status: 'SUCCEEDED', href: `sparkify/${report.runId}.html`, durationMs: 8420 }],
    });
  });

  it('keeps every run in the index, replaces a run written again, and orders runs newest first', async () => {
    await writeReport(dir, sampleReport({ runId: 'sparkify-a', runDate: '2018-11-03' }));
    await writeReport(dir, sampleReport({ runId: 'sparkify-b', runDate: '2018-11-05', status: 'FAILED' }));
    await writeReport(dir, sampleReport({ pipeline: 'weather', runId: 'weather-a', runDate: '2024-01-01' }));
    await writeReport(dir, sampleReport({ runId: 'sparkify-b', runDate: '2018-11-05', status: 'SUCCEEDED' }));
    const index = await readFile(join(dir, INDEX_FILE), 'utf8');
    expect(listing(index)).toEqual([
      ['sparkify', ['sparkify-b', 'sparkify-a']],
      ['weather', ['weather-a']],
    ]);
    expect(index).not.toContain('FAILED');
  });

  it('loses no run when reports are written concurrently', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((id, i) => writeReport(dir, sampleReport({ runId: id, runDate: `2018-11-0${i + 1}` }))));
    expect(listing(await readFile(join(dir, INDEX_FILE), 'utf8'))).toEqual([['sparkify', ['d', 'c', 'b', 'a']]]);
  });

  it('rebuilds the index from the reports found when the manifest is lost, and drops reports removed', async () => {
    await writeReport(dir, sampleReport({ runId: 'kept', runDate: '2018-11-01' }));
    await writeReport(dir, sampleReport({ runId: 'removed', runDate: '2018-11-02' }));
    await writeReport(dir, sampleReport({ pipeline: 'weather', runId: 'unlisted', runDate: '2024-01-01' }));
    await writeFile(join(dir, MANIFEST_FILE), 'not json');
    await rm(join(dir, 'sparkify', 'removed.html'));
    await writeReport(dir, sampleReport({ runId: 'new', runDate: '2018-11-03' }));
    expect(listing(await readFile(join(dir, INDEX_FILE), 'utf8'))).toEqual([
      ['sparkify', ['new', 'kept']],
      ['weather', ['unlisted']],
    ]);
  });

  it('refuses a pipeline name or run id that is not a plain file name', async () => {
    for (const bad of [{ pipeline: '../escape' }, { runId: 'a/b' }, { runId: '..' }, { pipeline: '' }]) {
      await expect(writeReport(dir, sampleReport(bad))).rejects.toMatchObject({ name: 'InvalidInput' });
    }
    expect(existsSync(join(dir, INDEX_FILE))).toBe(false);
  });
});
