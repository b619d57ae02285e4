// flattenObject on both stores: a generated input (with rejects) flattened to one gzip JSON-lines object
// per table, read back and matched against the summary and the in-memory flattener; re-runs rewrite the
// same bytes; failures (missing source, broken input, a failing upload) leave outputs untouched, and a
// broken input is named in the error; and a slow upload holds the source reader back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { assessmentsFileChunks, generateAssessments } from '../../../../lib/generators/assessments.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';
import { flattenObject, flattenedObjectUri } from '../../../../lambdas/core/assessments/flatten-object.ts';
import { AssessmentsInputError, flattenAssessments } from '../../../../lambdas/core/assessments/flatten.ts';
import { arraySink } from '../../../../lambdas/core/assessments/sinks.ts';
import { ASSESSMENT_TABLE_NAMES, type AssessmentTable } from '../../../../lambdas/core/assessments/tables.ts';
import type { ObjectStore } from '../../../../lambdas/core/ports.ts';
import { MemoryStore } from '../../../support/fake-deps.ts';

const PREFIX = 's3://work/flat/assessments/run-1/';
const SOURCE = 's3://landing/assessments/attempts.jsonl';

const tmpRoots: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flatten-object-'));
  tmpRoots.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of tmpRoots) await rm(dir, { recursive: true, force: true });
});

/** Generated attempts as JSON lines, followed by two lines the flattener rejects. */
function jsonLinesWithRejects(attempts: number, seed: number): Buffer {
  const text = [...assessmentsFileChunks({ attempts, seed, format: 'json-lines' })].join('');
  return Buffer.from(`${text}not json at all\n{"keen_id":"x","exam_name":5}\n`);
}

function linesOf(gzipped: Buffer): unknown[] {
  return gunzipSync(gzipped)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** Lines of a gzip JSON-lines object, counted as they stream out of the store. */
async function countLines(store: ObjectStore, uri: string): Promise<number> {
  let lines = 0;
  for await (const line of createInterface({ input: (await store.openRead(uri)).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (line !== '') lines++;
  }
  return lines;
}

describe('flattenObject with the in-memory store', () => {
  it('writes one gzip JSON-lines object per table, rejects included, whose rows are the flattener rows', async () => {
    const store = new MemoryStore();
    const input = jsonLinesWithRejects(300, 11);
    await store.put(SOURCE, input);

    const { summary, outputs } = await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX });

    const expected = arraySink();
    const expectedSummary = await flattenAssessments(Readable.from([input]), expected);
    expect(summary).toEqual(expectedSummary);
    expect(summary).toMatchObject({ read: 302, rejected: 2, reconciled: true });
    expect(Object.keys(outputs)).toEqual(ASSESSMENT_TABLE_NAMES);
    for (const table of ASSESSMENT_TABLE_NAMES) {
      expect(outputs[table]).toEqual({ uri: `${PREFIX}${table}.jsonl.gz`, rows: summary.rows[table] });
      expect(linesOf(await store.get(outputs[table].uri))).toEqual(expected.rows[table]);
    }
    expect((await store.list(PREFIX)).map((o) => o.uri).sort()).toEqual(ASSESSMENT_TABLE_NAMES.map((t) => flattenedObjectUri(PREFIX, t)).sort());
  });

  it('re-running for the same input overwrites the same objects with the same bytes', async () => {
    const store = new MemoryStore();
    await store.put(SOURCE, jsonLinesWithRejects(120, 12));
    const first = await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX });
    const bytes = new Map([...store.objects].filter(([uri]) => uri.startsWith(PREFIX)));

    const second = await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX });

    expect(second).toEqual(first);
    expect(new Map([...store.objects].filter(([uri]) => uri.startsWith(PREFIX)))).toEqual(bytes);
  });

  it('writes empty (but valid gzip) objects for tables without rows', async () => {
    const store = new MemoryStore();
    await store.put(SOURCE, Buffer.from('[]'));

    const { summary, outputs } = await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX });

    expect(summary).toMatchObject({ read: 0, reconciled: true });
    for (const table of ASSESSMENT_TABLE_NAMES) {
      expect(outputs[table].rows).toBe(0);
      expect(linesOf(await store.get(outputs[table].uri))).toEqual([]);
    }
  });

  it('rejects a missing source and writes nothing', async () => {
    const store = new MemoryStore();
    await expect(flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX })).rejects.toThrow(/no object/);
    expect(store.objects.size).toBe(0);
  });

  it('leaves the previous outputs untouched when the input breaks part way', async () => {
    const store = new MemoryStore();
    await store.put(SOURCE, jsonLinesWithRejects(50, 13));
    await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX });
    const before = new Map(store.objects);
    const array = [...assessmentsFileChunks({ attempts: 200, seed: 14 })].join('');
    await store.put(SOURCE, Buffer.from(`${array.slice(0, Math.floor(array.length / 2))}}}} broken`));

    await expect(flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX })).rejects.toBeInstanceOf(AssessmentsInputError);

    for (const table of ASSESSMENT_TABLE_NAMES) {
      const uri = flattenedObjectUri(PREFIX, table);
      expect(store.objects.get(uri)).toEqual(before.get(uri));
    }
  });

  it('names the source URI in the AssessmentsInputError of an input it cannot read', async () => {
    const store = new MemoryStore();
    await store.put(SOURCE, Buffer.from('[{"keen_id": "x", oops}]'));

    const error = await flattenObject(store, { sourceUri: SOURCE, outputPrefixUri: PREFIX }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AssessmentsInputError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot read ${SOURCE} after 0 documents: `));
  });

  it('fails with the store error, without waiting forever, when an upload fails without reading its stream', async () => {
    const store = new MemoryStore();
    await store.put(SOURCE, jsonLinesWithRejects(600, 15));
    // fails late, once the flattener is long stalled waiting for the options stream to drain
    const failing: ObjectStore = {
      list: (prefix) => store.list(prefix),
      get: (uri) => store.get(uri),
      put: (uri, body) => store.put(uri, body),
      openRead: (uri) => store.openRead(uri),
      putStream: async (uri, body) => {
        if (!uri.endsWith('assessment_options.jsonl.gz')) return store.putStream(uri, body);
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw new Error('access denied');
      },
    };

    await expect(flattenObject(failing, { sourceUri: SOURCE, outputPrefixUri: PREFIX })).rejects.toThrow('access denied');
    expect((await store.list(PREFIX)).length).toBe(0);
  });

  it('holds the source reader back while an upload is not reading (backpressure)', async () => {
    const store = new MemoryStore();
    const input = Buffer.from([...assessmentsFileChunks({ attempts: 3_000, seed: 16, format: 'json-lines' })].join(''));
    let pulled = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stalled!: () => void;
    const waiting = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    const slow: ObjectStore = {
      list: (prefix) => store.list(prefix),
      get: (uri) => store.get(uri),
      put: (uri, body) => store.put(uri, body),
      async openRead() {
        function* chunks(): Generator<Buffer> {
          for (let i = 0; i < input.length; i += 16_384) {
            pulled += Math.min(16_384, input.length - i);
            yield input.subarray(i, i + 16_384);
          }
        }
        return Readable.from(chunks(), { objectMode: false, highWaterMark: 16_384 });
      },
      async putStream(uri, body) {
        if (uri.endsWith('assessment_options.jsonl.gz')) {
          stalled();
          await released;
        }
        await store.putStream(uri, body);
      },
    };

    const running = flattenObject(slow, { sourceUri: SOURCE, outputPrefixUri: PREFIX });
    await waiting;
    let previous = -1;
    while (pulled !== previous) {
      previous = pulled;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pulled).toBeLessThan(input.length / 2);
    release();
    const { summary, outputs } = await running;

    expect(pulled).toBe(input.length);
    expect(summary).toMatchObject({ read: 3_000, reconciled: true });
    expect(linesOf(await store.get(outputs.assessment_options.uri))).toHaveLength(summary.rows.assessment_options);
  });
});

describe('flattenObject with the filesystem store', () => {
  it('flattens a generated file on disk; the outputs read back hold the summary row counts, and re-runs rewrite them', async () => {
    const landing = await tempDir();
    const work = await tempDir();
    const generated = await generateAssessments({ outDir: landing, attempts: 1_000, seed: 21 });
    const store = new FilesystemObjectStore({ landing, work });
    const sourceUri = `s3://landing/assessments/${generated.file.split('/').pop()}`;

    const { summary, outputs } = await flattenObject(store, { sourceUri, outputPrefixUri: 's3://work/flat/' });

    expect(summary).toMatchObject({ format: 'json-array', read: 1_000, loaded: generated.distinctKeenIds, duplicates: generated.duplicates, rejected: 0, reconciled: true });
    expect(summary.rows.assessments).toBe(generated.distinctKeenIds);
    const counts = {} as Record<AssessmentTable, number>;
    for (const table of ASSESSMENT_TABLE_NAMES) counts[table] = await countLines(store, outputs[table].uri);
    expect(counts).toEqual(summary.rows);
    expect(Object.fromEntries(ASSESSMENT_TABLE_NAMES.map((t) => [t, outputs[t].rows]))).toEqual(summary.rows);
    const listed = await store.list('s3://work/flat/');
    expect(listed.map((o) => o.uri)).toEqual(ASSESSMENT_TABLE_NAMES.map((t) => `s3://work/flat/${t}.jsonl.gz`).sort());
    const bytes = await Promise.all(listed.map((o) => store.get(o.uri)));

    const again = await flattenObject(store, { sourceUri, outputPrefixUri: 's3://work/flat/' });
    expect(again).toEqual({ summary, outputs });
    expect(await store.list('s3://work/flat/')).toEqual(listed);
    expect(await Promise.all(listed.map((o) => store.get(o.uri)))).toEqual(bytes);
  });
});
