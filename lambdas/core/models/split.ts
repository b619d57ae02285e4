// The seeded train/holdout split of a model's labelled rows, stratified by label: each class is
// shuffled on its own (Fisher–Yates, drawing from pure-rand's Mersenne Twister seeded with the
// step's seed, taken modulo 2^32) and its first share held back, so both parts hold both classes and
// the same seed and rows always give the same split.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';

/** Positions in the labelled rows, each part in ascending order. */
export interface Split {
  train: number[];
  holdout: number[];
}

/**
 * Splits rows by their `labels`, holding back about `holdoutShare` of each class (at least one row,
 * and at least one row kept for training).
 * @throws RangeError when a class has fewer than two rows, which cannot be in both parts
 */
export function stratifiedSplit(labels: readonly (0 | 1)[], holdoutShare: number, seed: number): Split {
  const rng = mersenne(seed);
  const train: number[] = [];
  const holdout: number[] = [];
  for (const label of [0, 1] as const) {
    const members = labels.flatMap((l, i) => (l === label ? [i] : []));
    if (members.length < 2) throw new RangeError(`stratifiedSplit: ${members.length} row(s) labelled ${label}, need 2 to split`);
    for (let i = members.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    const held = Math.min(members.length - 1, Math.max(1, Math.round(members.length * holdoutShare)));
    holdout.push(...members.slice(0, held));
    train.push(...members.slice(held));
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}
