import { describe, expect, it } from 'vitest';
import { renderKeyTemplate, staticPrefix } from '../../../lambdas/core/partition.ts';

describe('key templates', () => {
  it('renders {yyyy}, {mm} and {dd} from the run date, every occurrence', () => {
    expect(renderKeyTemplate('log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.json', '2018-11-05')).toBe(
      'log_data/2018/11/2018-11-05-events.json',
    );
    expect(renderKeyTemplate('song_data/', '2018-11-05')).toBe('song_data/');
  });

  it('refuses a run date that is not YYYY-MM-DD', () => {
    expect(() => renderKeyTemplate('a/{yyyy}', '2018-11-05T00:00:00Z')).toThrow(/YYYY-MM-DD/);
  });

  it('gives the prefix all partitions share, for IAM and lifecycle rules', () => {
    expect(staticPrefix('log_data/{yyyy}/{mm}/x')).toBe('log_data/');
    expect(staticPrefix('song_data/')).toBe('song_data/');
  });
});
