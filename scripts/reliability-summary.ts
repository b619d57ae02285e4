// `npm run test:reliability`: runs the reliability suites (test/reliability/) with vitest, the
// default reporter on the terminal and the JSON reporter to a temporary file (in place of the
// reporters vitest.config.ts sets, so test-results/ is left alone), then prints per category
// (the prefix of each test's top-level describe title: "fault injection:", "bad input:",
// "security:") how many cases were tried and passed, and names every failure and every test
// without a known category. Exits non-zero when any case or test file failed, when vitest
// reported any other error, or when nothing ran.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';

const CATEGORIES = ['fault injection', 'bad input', 'security'] as const;
const UNCATEGORIZED = '(no category)';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The parts of vitest's JSON report read here. */
interface JsonReport {
  success: boolean;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { ancestorTitles: string[]; fullName: string; status: string }[];
  }[];
}

interface Tally {
  tried: number;
  passed: number;
  skipped: number;
}

/** The category a test belongs to: the prefix of its top-level describe title. */
function categoryOf(ancestorTitles: readonly string[]): string {
  const top = ancestorTitles[0] ?? '';
  return CATEGORIES.find((c) => top.startsWith(`${c}:`)) ?? UNCATEGORIZED;
}

async function main(): Promise<number> {
  const reportDir = await mkdtemp(join(tmpdir(), 'redline-reliability-'));
  const reportFile = join(reportDir, 'vitest.json');
  try {
    const vitest = await startVitest('test', ['test/reliability/'], {
      root: PROJECT_ROOT,
      run: true,
      watch: false,
      reporters: ['default', ['json', { outputFile: reportFile }]],
    });
    await vitest?.close();
    let report: JsonReport;
    try {
      report = JSON.parse(await readFile(reportFile, 'utf8')) as JsonReport;
    } catch {
      console.error('\nreliability: vitest wrote no report');
      return 1;
    }

    const tallies = new Map<string, Tally>([...CATEGORIES, UNCATEGORIZED].map((c) => [c, { tried: 0, passed: 0, skipped: 0 }]));
    const failures: string[] = [];
    const uncategorized: string[] = [];
    for (const file of report.testResults) {
      const path = relative(PROJECT_ROOT, file.name);
      if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) {
        failures.push(`${path}: ${file.message?.split('\n')[0] ?? 'the file failed to run'}`);
      }
      for (const test of file.assertionResults) {
        const category = categoryOf(test.ancestorTitles);
        const tally = tallies.get(category)!;
        if (category === UNCATEGORIZED) uncategorized.push(`${path}: ${test.fullName}`);
        if (test.status === 'passed' || test.status === 'failed') tally.tried += 1;
        else tally.skipped += 1;
        if (test.status === 'passed') tally.passed += 1;
        if (test.status === 'failed') failures.push(`${path}: ${test.fullName}`);
      }
    }

    console.log('\nreliability summary');
    for (const [category, { tried, passed, skipped }] of tallies) {
      if (category === UNCATEGORIZED && tried + skipped === 0) continue;
      const skippedNote = skipped > 0 ? `, ${skipped} skipped` : '';
      console.log(`  ${category.padEnd(16)} ${String(tried).padStart(4)} tried ${String(passed).padStart(4)} passed${skippedNote}`);
    }
    for (const test of uncategorized) console.log(`  no category (top-level describe must start with ${CATEGORIES.map((c) => `"${c}:"`).join(', ')}): ${test}`);
    for (const failure of failures) console.log(`  FAILED ${failure}`);

    const tried = [...tallies.values()].reduce((n, t) => n + t.tried, 0);
    if (tried === 0) console.log('  no reliability case ran');
    if (!report.success && failures.length === 0) console.log('  vitest reported errors outside the cases (see above)');
    return failures.length > 0 || tried === 0 || !report.success ? 1 : 0;
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
