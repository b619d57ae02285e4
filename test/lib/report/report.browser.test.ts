// The written report opened from file:// in real headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): no errors, no requests, every chart drawn with one SVG element per
// data point, badges shown. Full-page screenshots go to test-results/report-screenshots/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_CHART_ID, writeReport } from '../../../lib/report/index.ts';
import { DAILY_PLAYS, HOSTILE, PLAYS_PER_HOUR, TOP_SONGS, sampleReport } from './sample-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/report-screenshots/', import.meta.url));

// Without a browser a developer's run skips with the reason; CI must have one, so it fails there.
const skipReason = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} not found (apt-get install -y chromium)` : undefined;
if (skipReason) console.warn(`report browser test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(`run report in headless Chromium${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    [browser, dir] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 10_000 }),
      mkdtemp(join(tmpdir(), 'redline-report-browser-')),
    ]);
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 15_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens a page from disk, recording console errors, page errors and every request but the page's own. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (request.url() !== url) problems.push(`request: ${request.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems };
  }

  it('draws every chart with one mark per data point, shows the badges, and raises no errors', async () => {
    const earlier = sampleReport({
      runId: 'sparkify-2018-11-04-9f8e7d6c',
      runDate: '2018-11-04',
      status: 'FAILED',
      error: { name: 'DataQualityCheckFailed', message: '1 check failed: users_have_level (3 rows with a null level)' },
      failedStep: 'Checks',
      steps: sampleReport().steps.slice(0, 5).concat({ step: 'Checks', status: 'FAILED', ms: 510 }),
      checks: [
        { name: 'songplays_not_empty', passed: true, detail: '6,540 rows' },
        { name: 'users_have_level', passed: false, detail: '3 rows with a null level' },
      ],
    });
    await writeReport(dir, earlier);
    const { file, index } = await writeReport(dir, sampleReport());
    const { page, problems } = await open(file);

    const marks = (chart: string, selector: string) => page.locator(`[data-chart="${chart}"] ${selector}`).count();
    expect(await marks('plays-per-hour', 'g.mark-rect path')).toBe(PLAYS_PER_HOUR.length);
    expect(await marks('top-songs', 'g.mark-rect path')).toBe(TOP_SONGS.length);
    expect(await marks('daily-plays', 'g.mark-line path')).toBe(1);
    expect(await marks('daily-plays', 'g.mark-symbol.role-mark path')).toBe(DAILY_PLAYS.length);
    expect(await marks(STEP_CHART_ID, 'g.mark-rect path')).toBe(sampleReport().steps.length);
    for (const chart of ['plays-per-hour', 'top-songs', 'daily-plays', STEP_CHART_ID]) {
      const box = await page.locator(`[data-chart="${chart}"] svg`).boundingBox();
      expect(box?.width, chart).toBeGreaterThan(300);
      expect(box?.height, chart).toBeGreaterThan(100);
    }

    expect(await page.locator('[data-badge="status"]').innerText()).toBe('SUCCEEDED');
    expect(await page.locator('[data-badge="check"]').allInnerTexts()).toEqual(['PASS', 'PASS', 'PASS']);
    expect(await page.locator('[data-reconciled="true"]').count()).toBe(2);
    expect(await page.getByText(HOSTILE).count()).toBeGreaterThan(0);
    expect(await page.locator('script').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-report.png'), fullPage: true });

    const failed = await open(join(dir, 'sparkify', `${earlier.runId}.html`));
    expect(await failed.page.locator('[data-badge="status"]').innerText()).toBe('FAILED');
    expect(await failed.page.locator('[data-badge="check"]').allInnerTexts()).toEqual(['PASS', 'FAIL']);
    await failed.page.screenshot({ path: join(SCREENSHOTS, 'run-report-failed.png'), fullPage: true });

    const listing = await open(index);
    const links = listing.page.locator('[data-pipeline="sparkify"] a');
    expect(await links.allInnerTexts()).toEqual(['sparkify-2018-11-05-1a2b3c4d', earlier.runId]);
    await listing.page.screenshot({ path: join(SCREENSHOTS, 'report-index.png'), fullPage: true });
    await links.first().click();
    await listing.page.waitForURL(pathToFileURL(file).href);

    expect([...problems, ...failed.problems, ...listing.problems.filter((p) => !p.includes(`${sampleReport().runId}.html`))]).toEqual([]);
  }, 15_000);
});
