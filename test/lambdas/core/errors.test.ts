// The named errors: their stable names, and which of them the state machine retries.
import { describe, expect, it } from 'vitest';
import { CorruptInputFile, TRANSIENT_ERRORS } from '../../../lambdas/core/errors.ts';

describe('named errors', () => {
  it('never retries CorruptInputFile: the same bytes fail the same way', () => {
    const error = new CorruptInputFile('cannot decompress gzip file s3://landing/a.json.gz: unexpected end of file');

    expect(error).toMatchObject({ name: 'CorruptInputFile', transient: false });
    expect(TRANSIENT_ERRORS).not.toContain('CorruptInputFile');
  });
});
