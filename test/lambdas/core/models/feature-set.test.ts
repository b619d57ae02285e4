// GIVEN the rows of a features query WHEN they are read as a feature set THEN numbers (also as
// numeric text), labels 1/0/NULL and to_score flags come through in the model's column order, and a
// row that breaks the contract is refused by name with its row number.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../../lambdas/core/errors.ts';
import { parseFeatureSet } from '../../../../lambdas/core/models/feature-set.ts';

const columns = { idColumn: 'user_id', features: ['plays', 'next_song_share'] };

describe('parseFeatureSet', () => {
  it('reads ids, features in column order, labels and flags, numeric text as numbers', () => {
    const rows = parseFeatureSet(
      [
        { next_song_share: 0.8, plays: 12, user_id: 7, label: 1, to_score: 0, extra: 'ignored' },
        { user_id: 8, plays: '30', next_song_share: '0.75', label: null, to_score: true },
        { user_id: 9, plays: 3, next_song_share: 1, label: '0', to_score: '1' },
      ],
      columns,
    );
    expect(rows).toEqual([
      { id: 7, features: [12, 0.8], label: 1, toScore: false },
      { id: 8, features: [30, 0.75], label: null, toScore: true },
      { id: 9, features: [3, 1], label: 0, toScore: true },
    ]);
  });

  it('refuses a NULL feature, naming the row and the column', () => {
    expect(() => parseFeatureSet([{ user_id: 1, plays: 1, next_song_share: 0.5, label: 0, to_score: 1 }, { user_id: 2, plays: null, next_song_share: 0.5, label: 0, to_score: 1 }], columns)).toThrow(
      /feature set row 2: plays/,
    );
  });

  it('refuses a label other than 1, 0 or NULL, and text that is not a number', () => {
    expect(() => parseFeatureSet([{ user_id: 1, plays: 1, next_song_share: 0.5, label: 2, to_score: 1 }], columns)).toThrow(InvalidInput);
    expect(() => parseFeatureSet([{ user_id: 1, plays: 'many', next_song_share: 0.5, label: 1, to_score: 1 }], columns)).toThrow(/row 1: plays/);
  });

  it('refuses an id that appears twice: one row per entity', () => {
    const row = { user_id: 3, plays: 1, next_song_share: 0.5, label: 0, to_score: 1 };
    expect(() => parseFeatureSet([row, row], columns)).toThrow(/row 2: user_id 3 appears twice/);
  });
});
