// GIVEN labelled rows and a seed WHEN they are split into train and holdout THEN each class is held
// back in its share, both parts hold both classes, and the split depends on the seed alone.
import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../../../lambdas/core/models/split.ts';

const labels = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : 0)) as (0 | 1)[];

describe('stratifiedSplit', () => {
  it('holds back the share of each class, the two parts covering every row once', () => {
    const { train, holdout } = stratifiedSplit(labels, 0.25, 42);
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(holdout.filter((i) => labels[i] === 1)).toHaveLength(10);
    expect(holdout.filter((i) => labels[i] === 0)).toHaveLength(40);
  });

  it('gives the same split for the same seed and another split for another seed', () => {
    expect(stratifiedSplit(labels, 0.25, 42)).toEqual(stratifiedSplit(labels, 0.25, 42));
    expect(stratifiedSplit(labels, 0.25, 43).holdout).not.toEqual(stratifiedSplit(labels, 0.25, 42).holdout);
  });

  it('keeps at least one row of each class on each side, however small the share', () => {
    const { train, holdout } = stratifiedSplit([1, 1, 0, 0, 0], 0.01, 1);
    expect(holdout.map((i) => [1, 1, 0, 0, 0][i]).sort()).toEqual([0, 1]);
    expect(new Set(train.map((i) => [1, 1, 0, 0, 0][i]))).toEqual(new Set([0, 1]));
  });

  it('refuses a class of a single row, which cannot be on both sides', () => {
    expect(() => stratifiedSplit([1, 0, 0, 0], 0.25, 1)).toThrow(RangeError);
  });
});
