// GIVEN a feature set WHEN the upgrade-propensity model is trained on it THEN, with a planted signal,
// its holdout AUC clearly beats the constant baseline; the same seed gives the same scores; rows to
// score are scored in order; and a feature set without enough labels of a class fails by name.
import { describe, expect, it } from 'vitest';
import { ModelTrainingFailed } from '../../../../lambdas/core/errors.ts';
import type { FeatureRow } from '../../../../lambdas/core/models/feature-set.ts';
import { MODELS } from '../../../../lambdas/core/models/registry.ts';
import { trainAndScore, untrainableReason } from '../../../../lambdas/core/models/train.ts';
import { plantedFeatureSet } from '../../../support/planted-features.ts';

const model = MODELS['upgrade-propensity'];
const run = { seed: 42, holdout: 0.25 };

describe('trainAndScore', () => {
  it('beats the constant baseline by a clear margin on a feature set with a planted signal', () => {
    const { metrics } = trainAndScore(model, plantedFeatureSet({ users: 400, seed: 1 }), run);
    expect(metrics.baselineAuc).toBe(0.5);
    expect(metrics.auc).toBeGreaterThan(metrics.baselineAuc + 0.2);
    expect(metrics.trainRows + metrics.holdoutRows).toBe(400);
    expect(Math.abs(metrics.holdoutRows - 100)).toBeLessThanOrEqual(1); // a quarter of each class, rounded
    expect(metrics.seed).toBe(42);
  });

  it('finds nothing to beat the baseline with when no signal is planted', () => {
    const { metrics } = trainAndScore(model, plantedFeatureSet({ users: 400, seed: 1, signal: 0 }), run);
    expect(Math.abs(metrics.auc - 0.5)).toBeLessThan(0.15);
  });

  it('gives identical scores and metrics for the same seed and rows, other ones for another seed', () => {
    const rows = plantedFeatureSet({ users: 300, seed: 2 });
    const first = trainAndScore(model, rows, run);
    expect(trainAndScore(model, rows, run)).toEqual(first);
    const other = trainAndScore(model, rows, { ...run, seed: 7 });
    expect(other.metrics.seed).toBe(7);
    expect(other.scores).not.toEqual(first.scores);
  });

  it('scores exactly the rows to score, in their order, with chances between 0 and 1', () => {
    const rows = plantedFeatureSet({ users: 200, seed: 3 });
    const { scores } = trainAndScore(model, rows, run);
    expect(scores.map((s) => s.id)).toEqual(rows.filter((r) => r.toScore).map((r) => r.id));
    for (const { score } of scores) expect(score > 0 && score < 1).toBe(true);
  });

  it('trains when a feature is the same on every row, learning nothing from it', () => {
    const rows = plantedFeatureSet({ users: 200, seed: 4 }).map((r) => ({ ...r, features: [...r.features.slice(0, 3), 0.8] }));
    const { scores, metrics } = trainAndScore(model, rows, run);
    expect(scores.every((s) => Number.isFinite(s.score))).toBe(true);
    expect(Number.isFinite(metrics.auc)).toBe(true);
  });

  it('fails with ModelTrainingFailed when every labelled row is of one class', () => {
    const rows: FeatureRow[] = plantedFeatureSet({ users: 100, seed: 5 }).map((r) => ({ ...r, label: 0 }));
    expect(() => trainAndScore(model, rows, run)).toThrow(ModelTrainingFailed);
    expect(untrainableReason(model, rows)).toMatch(/0 row\(s\) labelled 1 and 100 labelled 0; the model needs at least 5 of each/);
  });

  it('fails with ModelTrainingFailed when a class has fewer labelled rows than the model needs', () => {
    const rows = plantedFeatureSet({ users: 100, seed: 6 }).map((r, i): FeatureRow => ({ ...r, label: i < 4 ? 1 : r.label === 1 ? null : r.label }));
    expect(() => trainAndScore(model, rows, run)).toThrow(/4 row\(s\) labelled 1/);
  });
});
