// Test runner configuration: node environment, generous timeouts for pipeline runs, and a
// JSON report (test-results/vitest.json) from which .ci/run prints its pass/fail line.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at once: the default (cores − 1) leaves one of CI's two cores idle while a
    // file waits on its child processes, servers and files.
    maxWorkers: 2,
    isolate: false,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
