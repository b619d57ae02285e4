// Binary logistic regression on standardised features, fitted by ml-logistic-regression (mljs):
// full-batch gradient descent from zero weights, so the same rows always give the same weights.
// The library fits no intercept, so a constant 1 column is prepended to every row; and it fits one
// classifier per class (one-vs-all, the class as 0 and the rest as 1), so for labels 0/1 the
// classifier of class 0 scores the chance of label 1.
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { ModelTrainingFailed } from '../errors.ts';

/** How long and how fast gradient descent runs. */
export interface LogisticOptions {
  /** Gradient steps over the whole training set. */
  steps: number;
  /** Step size per row-averaged gradient (the library's rate, which applies to the summed one, is this over the row count). */
  learningRate: number;
}

/** A fitted model: the chance of label 1 for each feature vector. */
export interface LogisticModel {
  score(rows: readonly (readonly number[])[]): number[];
}

/**
 * Fits `labels` (0/1, both present) from `rows` (standardised feature vectors).
 * @throws ModelTrainingFailed when the fit yields a score that is not a finite number
 */
export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly (0 | 1)[], options: LogisticOptions): LogisticModel {
  const regression = new LogisticRegression({ numSteps: options.steps, learningRate: options.learningRate / rows.length });
  regression.train(withIntercept(rows), Matrix.columnVector([...labels]));
  const labelOne = regression.classifiers[0];
  if (!labelOne) throw new ModelTrainingFailed('logistic regression fitted no classifier');
  return {
    score(scored) {
      if (scored.length === 0) return [];
      const scores = labelOne.testScores(withIntercept(scored));
      if (!scores.every(Number.isFinite)) throw new ModelTrainingFailed('logistic regression did not converge: a score is not a finite number');
      return scores;
    },
  };
}

function withIntercept(rows: readonly (readonly number[])[]): Matrix {
  return new Matrix(rows.map((row) => [1, ...row]));
}
