// Trains a model on its feature set and scores the rows to score: the labelled rows are split into
// train and holdout (seeded, stratified), standardised with what the training rows show, fitted by
// logistic regression, and measured on the holdout by AUC beside a constant baseline (which always
// scores 0.5). The model measured is the one that scores, so the metrics describe the scores written.
import { ModelTrainingFailed } from '../errors.ts';
import { auc } from './auc.ts';
import type { EntityId, FeatureRow } from './feature-set.ts';
import { fitLogistic } from './logistic.ts';
import type { ModelDefinition } from './registry.ts';
import { stratifiedSplit } from './split.ts';
import { fitStandardizer, standardize } from './standardize.ts';

/** What one training measured; recorded in the run audit. */
export interface ModelMetrics {
  /** AUC of the model's scores on the holdout. */
  auc: number;
  /** AUC of a constant score on the same holdout (0.5): what the model has to beat. */
  baselineAuc: number;
  trainRows: number;
  holdoutRows: number;
  seed: number;
}

export interface EntityScore {
  id: EntityId;
  /** The model's chance of label 1, in [0, 1]. */
  score: number;
}

export interface TrainedModel {
  metrics: ModelMetrics;
  /** One per row to score, in the feature set's order. */
  scores: EntityScore[];
}

/** The step's choices: the seed of the split and the share of labelled rows held back. */
export interface TrainingRun {
  seed: number;
  holdout: number;
}

/** Why `rows` cannot train `model` (too few labelled rows of a class), or undefined when they can. */
export function untrainableReason(model: ModelDefinition, rows: readonly FeatureRow[]): string | undefined {
  const positives = rows.filter((r) => r.label === 1).length;
  const negatives = rows.filter((r) => r.label === 0).length;
  const least = Math.max(2, model.minPerClass);
  if (positives >= least && negatives >= least) return undefined;
  return `the feature set has ${positives} row(s) labelled 1 and ${negatives} labelled 0; the model needs at least ${least} of each`;
}

/**
 * Trains `model` on `rows` and scores those to score.
 * @throws ModelTrainingFailed when a class has fewer than the model's minPerClass labelled rows, or
 *   the fit does not converge
 */
export function trainAndScore(model: ModelDefinition, rows: readonly FeatureRow[], run: TrainingRun): TrainedModel {
  const untrainable = untrainableReason(model, rows);
  if (untrainable !== undefined) throw new ModelTrainingFailed(untrainable);
  const labelled = rows.filter((r): r is FeatureRow & { label: 0 | 1 } => r.label !== null);
  const split = stratifiedSplit(labelled.map((r) => r.label), run.holdout, run.seed);
  const train = split.train.map((i) => labelled[i]!);
  const holdout = split.holdout.map((i) => labelled[i]!);
  const standardizer = fitStandardizer(train.map((r) => r.features));
  const features = (part: readonly FeatureRow[]) => part.map((r) => standardize(standardizer, r.features));
  const fitted = fitLogistic(features(train), train.map((r) => r.label), model.training);
  const holdoutLabels = holdout.map((r) => r.label);
  const toScore = rows.filter((r) => r.toScore);
  const scores = fitted.score(features(toScore));
  return {
    metrics: {
      auc: auc(fitted.score(features(holdout)), holdoutLabels),
      baselineAuc: auc(holdoutLabels.map(() => 0.5), holdoutLabels),
      trainRows: train.length,
      holdoutRows: holdout.length,
      seed: run.seed,
    },
    scores: toScore.map((r, i) => ({ id: r.id, score: scores[i]! })),
  };
}
