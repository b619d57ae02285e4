// GIVEN scores and 0/1 labels WHEN their AUC is computed THEN it is the share of positive–negative
// pairs ranked right, a tie counting half — checked against counting the pairs one by one.
import { describe, expect, it } from 'vitest';
import { auc } from '../../../../lambdas/core/models/auc.ts';
import { Rng } from '../../../../lib/generators/random.ts';

/** The definition: every positive–negative pair, 1 when the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  let right = 0;
  let pairs = 0;
  labels.forEach((p, i) => {
    if (p !== 1) return;
    labels.forEach((n, j) => {
      if (n !== 0) return;
      pairs += 1;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return right / pairs;
}

describe('auc', () => {
  it('is 1 when every positive scores above every negative, 0 when below', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts a mis-ranked pair: one of four pairs wrong is 0.75', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('counts a tie between a positive and a negative as half a pair', () => {
    expect(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBe(0.875);
  });

  it('is exactly 0.5 for a constant score, whatever the labels', () => {
    expect(auc([0.3, 0.3, 0.3, 0.3, 0.3], [1, 0, 0, 1, 0])).toBe(0.5);
  });

  it('does not depend on the order of the rows', () => {
    const scores = [0.2, 0.7, 0.7, 0.1, 0.5, 0.7];
    const labels = [0, 1, 0, 0, 1, 1] as const;
    const reversed = auc([...scores].reverse(), [...labels].reverse());
    expect(reversed).toBe(auc(scores, [...labels]));
  });

  it('equals pair counting on random scores with many ties', () => {
    const rng = new Rng(7, 'auc');
    for (let round = 0; round < 20; round++) {
      const labels = Array.from({ length: 60 }, (_, i) => (i < 2 ? (i as 0 | 1) : rng.chance(0.3) ? 1 : 0));
      const scores = labels.map(() => rng.int(8) / 8);
      expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
    }
  });

  it('refuses labels of one class, lengths that differ and scores that are not finite', () => {
    expect(() => auc([0.1, 0.2], [1, 1])).toThrow(RangeError);
    expect(() => auc([0.1, 0.2], [0, 0])).toThrow(RangeError);
    expect(() => auc([0.1], [0, 1])).toThrow(RangeError);
    expect(() => auc([0.1, Number.NaN], [0, 1])).toThrow(RangeError);
  });
});
