// The CLI's exit code of a run by the class of the error it ended with.
import { describe, expect, it } from 'vitest';
import { CorruptInputFile, StatementFailed } from '../../../lambdas/core/errors.ts';
import { EXIT_CODES, exitCodeOf } from '../../../lib/local/exit-codes.ts';

describe('exitCodeOf', () => {
  it('classes a file a COPY cannot decompress (CorruptInputFile) as rejected input, not as infrastructure', () => {
    expect(exitCodeOf(new CorruptInputFile('cannot decompress gzip file s3://landing/a.json.gz: unexpected end of file'))).toBe(EXIT_CODES.inputRejected);
    expect(exitCodeOf(new StatementFailed('COPY into t: Out of Memory Error'))).toBe(EXIT_CODES.infrastructure);
  });
});
