// `redline serve` killed with SIGTERM in the middle of a load, then started again, loses nothing
// it accepted: everything it answered 202 to is landed and loaded, exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../../lib/local/collector/loadgen.ts';
import { PROJECT_ROOT } from '../../../../lib/local/project-paths.ts';
import { runPipelineLocally } from '../../../../lib/local/runner.ts';

/** Starts `redline serve` as its own process; resolves once it listens. */
async function serve(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [join(PROJECT_ROOT, 'bin/redline.ts'), 'serve', '--port', String(port), '--data', dataDir], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('collecting game events')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redline serve exited with ${code} before listening: ${output}`)));
  });
  return child;
}

describe('redline serve under SIGTERM', () => {
  it('flushes everything it accepted when killed mid-load, and a restart carries on', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redline-sigterm-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const url = `http://127.0.0.1:${port}`;

    const first = await serve(port, dataDir);
    const during = runLoad({ url, rate: 80, durationSeconds: 2, seed: 7 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    first.kill('SIGTERM');
    const [exitCode] = await once(first, 'exit');
    const interrupted = await during;
    expect(exitCode).toBe(0);
    expect(interrupted.accepted).toBeGreaterThan(0);
    expect(interrupted.failed).toBeGreaterThan(0);

    const second = await serve(port, dataDir);
    const after = await runLoad({ url, rate: 80, durationSeconds: 1, seed: 8 });
    second.kill('SIGTERM');
    await once(second, 'exit');

    const outcome = await runPipelineLocally({
      pipeline: 'game-events',
      runDate: '2026-11-23T12:00:00Z',
      dataDir,
      stateDir: await mkdtemp(join(tmpdir(), 'redline-sigterm-state-')),
    });
    expect(outcome.status, outcome.error?.message).toBe('SUCCEEDED');
    const rows = Object.values(outcome.tables).reduce((a, b) => a + b, 0);
    expect(rows).toBe(interrupted.accepted + after.accepted);
  }, 30_000);
});
