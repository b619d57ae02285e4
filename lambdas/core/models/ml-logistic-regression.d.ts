// Types for ml-logistic-regression (mljs), which ships none: only the surface redline uses.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  /** One one-vs-all classifier: class i against the others, trained with class i as 0 and the rest as 1. */
  interface OneVsAllClassifier {
    /** For each row of `features`, the sigmoid of its score: the chance it is not of this classifier's class. */
    testScores(features: Matrix): number[];
  }

  /** Logistic regression fitted by full-batch gradient descent from zero weights (deterministic). */
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** One classifier per class, by class number (labels must be 0 … n-1). */
    readonly classifiers: readonly OneVsAllClassifier[];
    /** `labels` is a column vector of class numbers, one per row of `features`. */
    train(features: Matrix, labels: Matrix): void;
  }
}
