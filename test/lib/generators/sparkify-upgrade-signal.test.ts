// GIVEN a generated Sparkify sample WHEN the free users' activity is read from its logs THEN the
// planted signal is there: the users who upgraded had a larger share of NextSong while free than
// those who stayed free (what the upgrade model learns), and a fair share of free users upgraded.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auc } from '../../../lambdas/core/models/auc.ts';
import { generateSparkifySample } from '../../../lib/generators/sparkify.ts';

interface FreeActivity {
  events: number;
  plays: number;
  upgraded: boolean;
}

describe('the sparkify generator plants an upgrade signal', () => {
  let dir: string;
  const free = new Map<string, FreeActivity>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sparkify-signal-'));
    await generateSparkifySample({ outDir: dir, events: 20_000, seed: 1 });
    const files = (await readdir(join(dir, 'log_data'), { recursive: true })).filter((f) => f.endsWith('.json'));
    for (const file of files) {
      for (const line of (await readFile(join(dir, 'log_data', file), 'latin1')).split('\n')) {
        const event = JSON.parse(line) as { userId: string; level: string; page: string };
        if (event.userId === '' || event.level !== 'free') continue;
        const user = free.get(event.userId) ?? { events: 0, plays: 0, upgraded: false };
        user.events += 1;
        if (event.page === 'NextSong') user.plays += 1;
        if (event.page === 'Submit Upgrade') user.upgraded = true;
        free.set(event.userId, user);
      }
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives the free users who upgrade a larger share of NextSong than those who stay free', () => {
    const known = [...free.values()].filter((u) => u.events >= 20);
    const share = auc(
      known.map((u) => u.plays / u.events),
      known.map((u) => (u.upgraded ? 1 : 0)),
    );
    expect(share).toBeGreaterThan(0.65);
  });

  it('has a fair share of free users upgrade, neither none nor nearly all', () => {
    const upgraded = [...free.values()].filter((u) => u.upgraded).length / free.size;
    expect(upgraded).toBeGreaterThan(0.1);
    expect(upgraded).toBeLessThan(0.5);
  });
});
