// The flattener streams: a ~60 MB generated input (never on disk, never whole in memory) goes through
// with a retained heap far below its size, a slow sink holds the reader back (backpressure), and a
// failing sink stops the reading.
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { assessmentsFileChunks } from '../../../../lib/generators/assessments.ts';
import { flattenAssessments } from '../../../../lambdas/core/assessments/flatten.ts';
import type { FlatRowSink } from '../../../../lambdas/core/assessments/sinks.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1 << 20;

/** The generator's text as a byte stream of small chunks; `pulled` counts the bytes handed out so far. */
function generatedStream(attempts: number, seed: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  function* bytes(): Generator<Buffer> {
    for (const text of assessmentsFileChunks({ attempts, seed })) {
      const buffer = Buffer.from(text);
      for (let i = 0; i < buffer.length; i += 64 * 1024) {
        const chunk = buffer.subarray(i, i + 64 * 1024);
        pulled += chunk.length;
        yield chunk;
      }
    }
  }
  return { stream: Readable.from(bytes(), { objectMode: false, highWaterMark: 64 * 1024 }), pulled: () => pulled };
}

describe('flattenAssessments streaming', () => {
  it('streams a ~60 MB input with a retained heap far below its size', async () => {
    // warm up first, so that compiled code and lazily built schemas do not count as retained
    await flattenAssessments(generatedStream(300, 2).stream, { write: () => undefined });
    const { stream, pulled } = generatedStream(20_000, 3);
    gc();
    const base = process.memoryUsage().heapUsed;
    const samples: number[] = [];
    let attempts = 0;
    const sink: FlatRowSink = {
      write(table) {
        if (table === 'assessments' && ++attempts % 1000 === 0) {
          gc();
          samples.push(process.memoryUsage().heapUsed);
        }
      },
    };
    const summary = await flattenAssessments(stream, sink);
    const bytes = pulled();
    const retained = Math.max(...samples) - base;
    const growth = Math.max(...samples) - samples[0]!;
    expect(bytes).toBeGreaterThan(55 * MB);
    expect(summary).toMatchObject({ read: 20_000, rejected: 0, reconciled: true });
    expect(summary.loaded).toBe(attempts);
    // retained heap (after collection) while streaming: a few parser and generator buffers, and the keen_id map
    expect(retained, `retained ${(retained / MB).toFixed(1)} MB for ${(bytes / MB).toFixed(0)} MB streamed`).toBeLessThan(Math.min(bytes / 5, 16 * MB));
    // from the first sample (1,000 attempts in) to the peak, only the keen_id map grows (~100 bytes an attempt)
    expect(growth, `grew ${(growth / MB).toFixed(1)} MB over ${samples.length} samples`).toBeLessThan(bytes / 15);
  });

  it('holds the reader back while the sink is busy (backpressure)', async () => {
    const { stream, pulled } = generatedStream(5_000, 4);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let writes = 0;
    const sink: FlatRowSink = {
      write() {
        writes++;
        return writes === 1 ? blocked : undefined;
      },
    };
    const done = flattenAssessments(stream, sink);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pulledWhileBlocked = pulled();
    const writesWhileBlocked = writes;
    release();
    const summary = await done;
    const total = pulled();
    expect(total).toBeGreaterThan(12 * MB);
    expect(writesWhileBlocked).toBeLessThan(200); // the first document's rows, nothing more
    expect(pulledWhileBlocked).toBeLessThan(4 * MB);
    expect(summary.read).toBe(5_000);
  });

  it('stops reading and releases the input when the sink fails, passing on the error of the sink', async () => {
    const { stream } = generatedStream(2_000, 5);
    const failure = new Error('disk full');
    let writes = 0;
    const sink: FlatRowSink = {
      write() {
        if (++writes === 500) throw failure;
      },
    };
    await expect(flattenAssessments(stream, sink)).rejects.toBe(failure);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
    expect(writes).toBe(500);
  });
});
