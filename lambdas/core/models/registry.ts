// The models a model step may name (the spec's `model`), each with its contract: the feature set it
// reads (see feature-set.ts), how much labelled data it needs, how it trains, and what a run does
// when the data cannot train it yet.
import type { ModelStepSpec } from '../../../lib/pipelines/spec.ts';
import type { FeatureColumns } from './feature-set.ts';
import type { LogisticOptions } from './logistic.ts';

export type ModelName = ModelStepSpec['model'];

export interface ModelDefinition extends FeatureColumns {
  /** What the scores mean, for people reading the spec or the target. */
  description: string;
  /**
   * The fewest labelled rows of each class it trains on (at least 2: one to learn from, one to hold
   * back); with fewer the feature set cannot train it.
   */
  minPerClass: number;
  training: LogisticOptions;
}

/** Every registered model, by the name a spec gives it. */
export const MODELS: Readonly<Record<ModelName, ModelDefinition>> = {
  'upgrade-propensity': {
    description: "A free user's chance of upgrading to paid, from their listening while free.",
    idColumn: 'user_id',
    features: ['plays', 'sessions', 'days_active', 'next_song_share'],
    minPerClass: 5,
    training: { steps: 500, learningRate: 0.5 },
  },
};
