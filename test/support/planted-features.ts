// A generated feature set for the upgrade-propensity model with a planted signal: each user has a
// hidden engagement (standard normal) that raises both their chance of upgrading and their share of
// NextSong, among plays, sessions and days that carry little of it. Seeded (lib/generators/random.ts):
// the same seed gives the same rows.
import type { FeatureRow } from '../../lambdas/core/models/feature-set.ts';
import { Rng } from '../../lib/generators/random.ts';

export interface PlantedFeatureSetOptions {
  users: number;
  seed: number;
  /** How strongly engagement drives the upgrade (log-odds per unit); 0 plants nothing. */
  signal?: number;
}

/** Users 1…n; those who did not upgrade are the ones to score. */
export function plantedFeatureSet({ users, seed, signal = 2 }: PlantedFeatureSetOptions): FeatureRow[] {
  const rng = new Rng(seed, 'planted-features');
  return Array.from({ length: users }, (_, i): FeatureRow => {
    const engagement = rng.normal();
    const days = 1 + rng.int(20);
    const sessions = days * (1 + rng.int(3));
    const plays = Math.round(sessions * (4 + 12 * rng.float()));
    const share = Math.min(1, Math.max(0.05, 0.75 + 0.08 * engagement + 0.05 * rng.normal()));
    const upgraded = rng.chance(1 / (1 + Math.exp(1.2 - signal * engagement)));
    return { id: i + 1, features: [plays, sessions, days, share], label: upgraded ? 1 : 0, toScore: !upgraded };
  });
}

/** A feature row as the features query returns it (the upgrade-propensity model's columns). */
export function asQueryRow(row: FeatureRow): Record<string, number | null> {
  const [plays, sessions, days_active, next_song_share] = row.features;
  return {
    user_id: row.id as number,
    plays: plays!,
    sessions: sessions!,
    days_active: days_active!,
    next_song_share: next_song_share!,
    label: row.label,
    to_score: row.toScore ? 1 : 0,
  };
}
