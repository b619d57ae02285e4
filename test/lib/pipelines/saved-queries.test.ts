// Saved queries of the assessments pipeline: listed with their descriptions, unknown names refused, and
// every query run on a DuckDB warehouse loaded (by COPY of the flattened gzip JSON lines) from a small
// generated file, its answers checked against figures computed here from the raw JSON.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenObject, type FlattenObjectResult } from '../../../lambdas/core/assessments/flatten-object.ts';
import { ASSESSMENT_TABLE_NAMES } from '../../../lambdas/core/assessments/tables.ts';
import { copySpecSchema } from '../../../lambdas/core/copy-spec.ts';
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import type { Row } from '../../../lambdas/core/ports.ts';
import { splitStatements } from '../../../lambdas/core/sql-tokens.ts';
import { generateAssessments } from '../../../lib/generators/assessments.ts';
import { DuckDbWarehouse } from '../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../lib/local/filesystem-store.ts';
import { SQL_ROOT } from '../../../lib/local/project-paths.ts';
import { listSavedQueries, savedQuerySql } from '../../../lib/pipelines/saved-queries.ts';

const QUERIES = [
  'average_score_per_exam',
  'distinct_exams',
  'least_common_exams',
  'most_common_exams',
  'questions_per_exam',
  'score_distribution',
  'total_attempts',
  'users_taking_several_exams',
];

/** The fields of a raw attempt document these figures need. */
interface RawAttempt {
  keen_id: string;
  exam_name: string;
  base_exam_id: string;
  user_exam_id: string;
  sequences?: { questions?: unknown[]; counts?: { correct?: number; total?: number } };
}

interface ExamFigures {
  attempts: number;
  scores: number[];
  questions: number[];
}

describe('listSavedQueries / savedQuerySql', () => {
  it('lists the assessments queries by name, each described by its first comment line', async () => {
    const queries = await listSavedQueries('assessments');
    expect(queries.map((q) => q.name)).toEqual(QUERIES);
    for (const { name, description } of queries) {
      const sql = await savedQuerySql('assessments', name);
      expect(sql.split('\n')[0]).toBe(`-- ${description}`);
      expect(description.length, name).toBeGreaterThan(10);
    }
    expect(queries.find((q) => q.name === 'total_attempts')?.description).toMatch(/attempts/);
  });

  it('refuses an unknown or malformed name with InvalidInput naming the known queries', async () => {
    await expect(savedQuerySql('assessments', 'top_users')).rejects.toThrow(InvalidInput);
    await expect(savedQuerySql('assessments', 'top_users')).rejects.toThrow(/unknown saved query 'top_users'.*known: average_score_per_exam, distinct_exams/);
    await expect(savedQuerySql('assessments', '../create_tables')).rejects.toThrow(InvalidInput);
    await expect(savedQuerySql('assessments', 'Total_Attempts')).rejects.toThrow(InvalidInput);
    await expect(savedQuerySql('../sql', 'x')).rejects.toThrow(InvalidInput);
  });

  it('knows no queries for a pipeline without a queries folder', async () => {
    expect(await listSavedQueries('redline')).toEqual([]);
    await expect(savedQuerySql('redline', 'total_attempts')).rejects.toThrow(/known: none/);
  });
});

describe('the assessments queries on a loaded warehouse', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let flattened: FlattenObjectResult;
  let raw: RawAttempt[];
  const context = { runId: 'saved-queries', step: 'load' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'saved-queries-'));
    const landing = join(dir, 'landing');
    const generated = await generateAssessments({ outDir: landing, attempts: 400, seed: 31 });
    raw = JSON.parse(await readFile(generated.file, 'utf8')) as RawAttempt[];
    const store = new FilesystemObjectStore({ landing, work: join(dir, 'work') });
    flattened = await flattenObject(store, {
      sourceUri: `s3://landing/assessments/${basename(generated.file)}`,
      outputPrefixUri: 's3://work/flat/assessments/',
    });
    warehouse = await DuckDbWarehouse.open(':memory:', store);
    const schema = await readFile(join(SQL_ROOT, 'assessments', 'create_tables.sql'), 'utf8');
    await warehouse.executeInTransaction(splitStatements(schema), { runId: 'saved-queries', step: 'schema' });
    for (const table of ASSESSMENT_TABLE_NAMES) {
      const { uri, rows } = flattened.outputs[table];
      const spec = copySpecSchema.parse({ table, from: uri, format: { kind: 'json', paths: 'auto' }, gzip: true });
      expect(await warehouse.copy(spec, context)).toMatchObject({ table, loaded: rows, rejected: 0 });
    }
  });

  afterAll(async () => {
    await warehouse?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string): Promise<Row[]> {
    return warehouse.query(await savedQuerySql('assessments', name));
  }

  /** Per exam name: attempts (each keen_id once), scores (100 * correct / total where total > 0), questions per attempt. */
  function figuresByExam(): Map<string, ExamFigures> {
    const seen = new Set<string>();
    const exams = new Map<string, ExamFigures>();
    for (const attempt of raw) {
      if (seen.has(attempt.keen_id)) continue;
      seen.add(attempt.keen_id);
      const exam = exams.get(attempt.exam_name) ?? { attempts: 0, scores: [], questions: [] };
      exams.set(attempt.exam_name, exam);
      exam.attempts++;
      const counts = attempt.sequences?.counts;
      if (counts?.total !== undefined && counts.total > 0 && counts.correct !== undefined) exam.scores.push((100 * counts.correct) / counts.total);
      exam.questions.push(attempt.sequences?.questions?.length ?? 0);
    }
    return exams;
  }

  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

  it('loads every document of the generated file', () => {
    expect(flattened.summary).toMatchObject({ read: 400, rejected: 0, reconciled: true });
  });

  it('total_attempts: the distinct keen_ids of the raw JSON', async () => {
    const expected = new Set(raw.map((a) => a.keen_id)).size;
    expect(expected).toBeLessThan(raw.length);
    expect(await run('total_attempts')).toEqual([{ total_attempts: expected }]);
  });

  it('distinct_exams: the distinct exam names (and exam ids) of the raw JSON', async () => {
    expect(await run('distinct_exams')).toEqual([
      { distinct_exams: new Set(raw.map((a) => a.exam_name)).size, distinct_base_exam_ids: new Set(raw.map((a) => a.base_exam_id)).size },
    ]);
  });

  it('most_common_exams and least_common_exams: the top and bottom 10 by attempts, ties by name', async () => {
    const counted = [...figuresByExam()].map(([exam_name, f]) => ({ exam_name, attempts: f.attempts }));
    const most = [...counted].sort((a, b) => b.attempts - a.attempts || byName(a.exam_name, b.exam_name)).slice(0, 10);
    const least = [...counted].sort((a, b) => a.attempts - b.attempts || byName(a.exam_name, b.exam_name)).slice(0, 10);
    expect(await run('most_common_exams')).toEqual(most);
    expect(await run('least_common_exams')).toEqual(least);
  });

  it('average_score_per_exam: the mean percentage of correct answers of scored attempts, with attempts', async () => {
    const rows = await run('average_score_per_exam');
    const exams = figuresByExam();
    expect(rows.map((r) => r.exam_name as string).sort(byName)).toEqual([...exams.keys()].sort(byName));
    for (const row of rows) {
      const exam = exams.get(row.exam_name as string)!;
      expect(row).toMatchObject({ attempts: exam.attempts, scored_attempts: exam.scores.length });
      if (exam.scores.length === 0) expect(row.average_score_pct).toBeNull();
      else expect(Math.abs((row.average_score_pct as number) - mean(exam.scores))).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    const averages = rows.map((r) => r.average_score_pct).filter((v): v is number => typeof v === 'number');
    expect(averages).toEqual([...averages].sort((a, b) => b - a));
  });

  it('users_taking_several_exams: user_exam_ids with several exams, and retakes, as the raw JSON shows', async () => {
    const perUserExam = new Map<string, { exams: Set<string>; attempts: Set<string> }>();
    for (const attempt of raw) {
      const entry = perUserExam.get(attempt.user_exam_id) ?? { exams: new Set(), attempts: new Set() };
      perUserExam.set(attempt.user_exam_id, entry);
      entry.exams.add(attempt.base_exam_id);
      entry.attempts.add(attempt.keen_id);
    }
    const entries = [...perUserExam.values()];
    expect(await run('users_taking_several_exams')).toEqual([
      {
        users_taking_several_exams: entries.filter((e) => e.exams.size > 1).length,
        user_exam_ids: perUserExam.size,
        retaken_user_exam_ids: entries.filter((e) => e.attempts.size > 1).length,
        most_attempts: Math.max(...entries.map((e) => e.attempts.size)),
      },
    ]);
  });

  it('questions_per_exam: the mean, fewest and most questions per attempt of each exam', async () => {
    const exams = figuresByExam();
    const expected = [...exams]
      .sort(([a], [b]) => byName(a, b))
      .map(([exam_name, f]) => ({
        exam_name,
        attempts: f.attempts,
        fewest_questions: Math.min(...f.questions),
        most_questions: Math.max(...f.questions),
      }));
    const rows = await run('questions_per_exam');
    expect(rows.map(({ average_questions: _, ...rest }) => rest)).toEqual(expected);
    for (const row of rows) {
      const average = mean(exams.get(row.exam_name as string)!.questions);
      expect(Math.abs((row.average_questions as number) - average)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('score_distribution: attempts per 10-point score band, 100 in the top band', async () => {
    const bands = new Map<number, number>();
    for (const exam of figuresByExam().values()) {
      for (const score of exam.scores) {
        const band = Math.min(Math.floor(score / 10) * 10, 90);
        bands.set(band, (bands.get(band) ?? 0) + 1);
      }
    }
    const expected = [...bands].sort(([a], [b]) => a - b).map(([score_band, attempts]) => ({ score_band, attempts }));
    expect((await run('score_distribution')).map((r) => ({ score_band: Number(r.score_band), attempts: r.attempts }))).toEqual(expected);
  });

  it('runs every listed query', async () => {
    for (const { name } of await listSavedQueries('assessments')) {
      expect((await run(name)).length, name).toBeGreaterThan(0);
    }
  });
});
