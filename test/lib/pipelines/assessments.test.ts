// The assessments pipeline through its real state machine: the plan batches the raw files, the
// flatten tasks write flat rows, COPY stages them and the SQL merges them by key; counts equal
// what the test computes from the raw JSON, records reconcile, and a re-run changes nothing.
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAssessments } from '../../../lib/generators/assessments.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { runPipelineLocally, type RunOutcome } from '../../../lib/local/runner.ts';
import { assessments } from '../../../lib/pipelines/assessments.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { fingerprintTables } from '../../support/fingerprint.ts';

const FIRST_RECORD = join(import.meta.dirname, '../../../../shared/data/assessments/first-record.json');

async function run(dataDir: string, stateDir: string): Promise<RunOutcome> {
  const notifier = new CapturingNotifier();
  const outcome = await runPipelineLocally({ pipeline: 'assessments', runDate: '2026-11-20', dataDir, stateDir, notifier });
  expect(outcome.status, outcome.error?.message).toBe('SUCCEEDED');
  expect(notifier.alerts).toEqual([]);
  return outcome;
}

async function inWarehouse<T>(stateDir: string, work: (w: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const warehouse = await DuckDbWarehouse.open(join(stateDir, 'warehouse.duckdb'), new FilesystemObjectStore({}));
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

interface RawAttempt {
  keen_id: string;
  exam_name: string;
  sequences?: { questions?: { options?: unknown[] }[] };
}

describe('assessments pipeline', () => {
  it('builds one row per distinct attempt, question and option of generated files', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-assess-'));
    const files = await Promise.all(
      [1, 2, 3].map((seed) => generateAssessments({ outDir: dataDir, attempts: 400, seed, fileName: `part-${seed}.json` })),
    );
    const raw = (await Promise.all(files.map(async (f) => JSON.parse(await readFile(f.file, 'utf8')) as RawAttempt[]))).flat();
    const distinct = new Map(raw.map((a) => [a.keen_id, a]));
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-assess-state-'));

    const outcome = await run(dataDir, stateDir);

    expect(outcome.tables.assessments).toBe(distinct.size);
    const questions = [...distinct.values()].flatMap((a) => a.sequences?.questions ?? []);
    expect(outcome.tables.assessment_questions).toBe(questions.length);
    expect(outcome.tables.assessment_options).toBe(questions.reduce((n, q) => n + (q.options?.length ?? 0), 0));
    const exams = await inWarehouse(stateDir, (w) => w.query('SELECT COUNT(DISTINCT exam_name) AS n FROM assessments'));
    expect(Number(exams[0]?.n)).toBe(new Set(raw.map((a) => a.exam_name)).size);

    const flattened = await inWarehouse(stateDir, (w) =>
      w.query("SELECT SUM(rows_read) AS read, SUM(rows_loaded) AS loaded, SUM(rows_rejected) AS rejected FROM redline_runs WHERE step LIKE 'flatten_%'"),
    );
    expect(Number(flattened[0]?.read)).toBe(raw.length);
    expect(outcome.checks.every((c) => c.passed)).toBe(true);
  });

  it('changes no table when run again over the same files', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-assess-'));
    await generateAssessments({ outDir: dataDir, attempts: 300, seed: 9 });
    const stateDir = await mkdtemp(join(tmpdir(), 'redline-assess-state-'));
    await run(dataDir, stateDir);
    const first = await inWarehouse(stateDir, (w) => fingerprintTables(w, assessments.reportTables));

    await run(dataDir, stateDir);

    expect(await inWarehouse(stateDir, (w) => fingerprintTables(w, assessments.reportTables))).toEqual(first);
  });

  it.skipIf(!existsSync(FIRST_RECORD))('flattens the real first record into exactly 1 attempt, 4 questions and 14 options', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-assess-real-'));
    await mkdir(join(dataDir, 'assessments'));
    await copyFile(FIRST_RECORD, join(dataDir, 'assessments', 'first-record.json'));

    const outcome = await run(dataDir, await mkdtemp(join(tmpdir(), 'redline-assess-state-')));

    expect(outcome.tables).toEqual({ assessments: 1, assessment_questions: 4, assessment_options: 14, assessment_rejects: 0 });
  });
});
