// GIVEN a pipeline with a model step, on a local DuckDB warehouse and work bucket, and a feature set
// with a planted signal WHEN the model task runs (audited as createHandlers wires it) THEN the scores
// are written to the work bucket and COPYed into the target, a re-run replaces them (no duplicates,
// same scores for the same seed), the result and the run audit carry the metrics; a feature set the
// model cannot train on fails by name, or for a model that keeps its scores succeeds untrained, and
// either way leaves the target as it was. The spec is built here and handed to the handler.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopySpec } from '../../../lambdas/core/copy-spec.ts';
import type { SqlLibrary } from '../../../lambdas/core/deps.ts';
import { InvalidInput, ModelTrainingFailed } from '../../../lambdas/core/errors.ts';
import { modelScoresUri } from '../../../lambdas/core/locations.ts';
import type { FeatureRow } from '../../../lambdas/core/models/feature-set.ts';
import { REDLINE_TABLES_SQL } from '../../../lambdas/core/run-audit.ts';
import { splitStatements } from '../../../lambdas/core/sql-tokens.ts';
import type { Warehouse } from '../../../lambdas/core/ports.ts';
import { audited } from '../../../lambdas/handlers/audited.ts';
import { createModelHandler, type ModelHandlerOptions } from '../../../lambdas/handlers/model.ts';
import { openLocalEnvironment, type LocalEnvironment } from '../../../lib/local/local-environment.ts';
import { SqlFolder } from '../../../lib/local/sql-folder.ts';
import { definePipeline } from '../../../lib/pipelines/spec.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { asQueryRow, plantedFeatureSet } from '../../support/planted-features.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS user_features (
    user_id INTEGER NOT NULL, plays INTEGER, sessions INTEGER, days_active INTEGER,
    next_song_share DOUBLE PRECISION, label INTEGER, to_score INTEGER
) DISTSTYLE ALL;
CREATE TABLE IF NOT EXISTS user_upgrade_scores (
    user_id INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL, model VARCHAR(64) NOT NULL
) DISTSTYLE ALL;`;
const FEATURES = 'SELECT user_id, plays, sessions, days_active, next_song_share, label, to_score FROM user_features ORDER BY user_id;';

const spec = definePipeline({
  name: 'model-test',
  description: 'scores users from a feature table',
  schema: 'model-test/create_tables.sql',
  sources: [],
  steps: [{ kind: 'model', name: 'upgrades', model: 'upgrade-propensity', features: 'model-test/features.sql', target: 'user_upgrade_scores', whenUntrainable: 'keep-scores' }],
  checks: [],
  reportTables: ['user_upgrade_scores'],
  sla: { maxDurationMinutes: 30, maxStalenessHours: 48 },
});

/** The test pipeline's SQL, redline's own from the sql/ folder. */
const sql: SqlLibrary = {
  read: (path) => {
    if (path === spec.schema) return Promise.resolve(SCHEMA);
    if (path === 'model-test/features.sql') return Promise.resolve(FEATURES);
    return new SqlFolder().read(path);
  },
};

const event = (runId: string) => ({ pipeline: 'model-test', runId, runDate: '2018-11-30', step: 'upgrades' });
const context = { runId: 'setup', step: 'setup' };

describe('model handler', () => {
  let environment: LocalEnvironment;
  let copies: CopySpec[];
  /** The handler as createHandlers wires it (audited as model_<step>), COPYs recorded. */
  let modelTask: (options?: ModelHandlerOptions) => (event: unknown) => Promise<unknown>;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redline-model-handler-'));
    environment = await openLocalEnvironment({ dataDir: join(dir, 'landing'), stateDir: join(dir, 'state'), notifier: new CapturingNotifier() });
    copies = [];
    const local = environment.warehouse;
    const warehouse: Warehouse = {
      executeInTransaction: (statements, ctx) => local.executeInTransaction(statements, ctx),
      execute: (statement, params, ctx) => local.execute(statement, params, ctx),
      query: (statement, params) => local.query(statement, params),
      copy: (copy, ctx) => {
        copies.push(copy);
        return local.copy(copy, ctx);
      },
      loadErrors: (table, ctx, limit) => local.loadErrors(table, ctx, limit),
      unload: (unload, ctx) => local.unload(unload, ctx),
      close: () => local.close(),
    };
    const deps = { ...environment, warehouse, sql };
    modelTask = (options = {}) => audited(deps, (e) => `model_${String(e.step)}`, createModelHandler(deps, { specNamed: () => spec, ...options }));
    const setup = [...splitStatements(await sql.read(REDLINE_TABLES_SQL)), ...splitStatements(SCHEMA)];
    await environment.warehouse.executeInTransaction(setup, context);
  });
  afterAll(() => environment.close());

  async function loadFeatures(rows: readonly FeatureRow[]): Promise<void> {
    const values = rows.map(asQueryRow).map((r) => `(${[r.user_id, r.plays, r.sessions, r.days_active, r.next_song_share, r.label ?? 'NULL', r.to_score].join(', ')})`);
    await environment.warehouse.executeInTransaction(['DELETE FROM user_features', `INSERT INTO user_features VALUES ${values.join(', ')}`], context);
  }
  const scores = () => environment.warehouse.query('SELECT user_id, score, model FROM user_upgrade_scores ORDER BY user_id');

  it('GIVEN a planted signal WHEN the step runs THEN every user to score is COPYed into the target and the metrics beat the baseline', async () => {
    const features = plantedFeatureSet({ users: 400, seed: 11 });
    await loadFeatures(features);

    const result = (await modelTask()(event('run-1'))) as { scored: number; metrics: { auc: number; baselineAuc: number } };

    const toScore = features.filter((r) => r.toScore).map((r) => r.id);
    expect(result).toMatchObject({ step: 'upgrades', model: 'upgrade-propensity', trained: true, scored: toScore.length });
    expect(result.metrics.auc).toBeGreaterThan(result.metrics.baselineAuc + 0.2);
    expect(result.metrics).toMatchObject({ baselineAuc: 0.5, seed: 42 });
    const stored = await scores();
    expect(stored.map((r) => r.user_id)).toEqual(toScore);
    expect(new Set(stored.map((r) => r.model))).toEqual(new Set(['upgrade-propensity']));
    const file = modelScoresUri(environment.settings, 'model-test', 'run-1', 'upgrades');
    expect(copies.map((c) => c.from)).toEqual([file]);
    expect((await environment.store.get(file)).toString('utf8').split('\n')[0]).toBe('user_id,score,model');
    const [scratch] = await environment.warehouse.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE 'user_upgrade_scores__r%'");
    expect(scratch).toEqual({ n: 0 }); // the run's copy the COPY landed in is gone once swapped in
  });

  it('records the metrics in the run audit beside the step', async () => {
    const metrics = await environment.warehouse.query(
      `SELECT m.metric, m.value, r.status FROM redline_step_metrics AS m
       JOIN redline_runs AS r ON r.run_id = m.run_id AND r.step = m.step AND r.started_at = m.started_at
       WHERE m.run_id = 'run-1' AND m.step = 'model_upgrades' ORDER BY m.metric`,
    );
    expect(metrics.map((m) => m.metric)).toEqual(['auc', 'baseline_auc', 'holdout_rows', 'seed', 'train_rows']);
    expect(metrics.find((m) => m.metric === 'baseline_auc')).toMatchObject({ value: 0.5, status: 'SUCCEEDED' });
  });

  it('replaces the scores on a re-run: no duplicates, the same scores for the same seed', async () => {
    const before = await scores();

    await modelTask()(event('run-2'));

    expect(copies.map((c) => c.from)).toContain(modelScoresUri(environment.settings, 'model-test', 'run-2', 'upgrades'));
    expect(await scores()).toEqual(before);
  });

  it('fails with ModelTrainingFailed on a feature set of one class, leaving the target and recording the failure', async () => {
    const before = await scores();
    await loadFeatures(plantedFeatureSet({ users: 100, seed: 12 }).map((r) => ({ ...r, label: 0 })));
    const strict = { specNamed: () => ({ ...spec, steps: spec.steps.map((step) => ({ ...step, whenUntrainable: 'fail' as const })) }) };

    await expect(modelTask(strict)(event('run-3'))).rejects.toBeInstanceOf(ModelTrainingFailed);

    expect(await scores()).toEqual(before);
    const [audit] = await environment.warehouse.query("SELECT status, error FROM redline_runs WHERE run_id = 'run-3'");
    expect(audit).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^ModelTrainingFailed: .*0 row\(s\) labelled 1/) });
  });

  it('succeeds untrained on a feature set of one class for a model that keeps its scores, leaving the target', async () => {
    const before = await scores();

    const result = await modelTask()(event('run-4'));

    expect(result).toMatchObject({ trained: false, scored: 0, untrained: expect.stringMatching(/labelled 1/) });
    expect(result).not.toHaveProperty('metrics');
    expect(await scores()).toEqual(before);
  });

  it('refuses a step that is not a model step of the pipeline', async () => {
    await expect(modelTask()({ ...event('run-5'), step: 'nope' })).rejects.toBeInstanceOf(InvalidInput);
  });
});
