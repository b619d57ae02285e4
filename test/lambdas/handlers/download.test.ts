// GIVEN a download task event WHEN the handler runs THEN it validates the event, finds the declared
// download in the pipeline's spec, creates redline's tables (it runs before Create tables) and lands
// the file from a local HTTP server (node:http, started here); the run audit records it, succeeded
// or failed with the error's name. The spec is built here with definePipeline and handed to the handler.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DownloadRejected, InvalidInput } from '../../../lambdas/core/errors.ts';
import type { Warehouse } from '../../../lambdas/core/ports.ts';
import { audited } from '../../../lambdas/handlers/audited.ts';
import { createDownloadHandler } from '../../../lambdas/handlers/download.ts';
import { createHandlers } from '../../../lambdas/handlers/index.ts';
import { openLocalEnvironment, type LocalEnvironment } from '../../../lib/local/local-environment.ts';
import { definePipeline } from '../../../lib/pipelines/spec.ts';
import { CapturingNotifier } from '../../support/capturing-notifier.ts';
import { fakeDeps, scriptedWarehouse } from '../../support/fake-deps.ts';

const SONGS = Buffer.from('song_id,title,artist_id,year,duration\nSOA,One,ARA,2001,210.5\n');

let server: Server;
let notModified = 0;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url !== '/song.csv') return response.writeHead(404, 'Not Found').end();
    if (request.headers['if-none-match'] === '"s1"') {
      notModified += 1;
      return response.writeHead(304).end();
    }
    response.writeHead(200, { 'content-length': String(SONGS.length), etag: '"s1"' }).end(SONGS);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A pipeline downloading one file, as seed 001's does, from the test server. */
function specFrom(url: string) {
  return definePipeline({
    name: 'downloads-test',
    description: 'downloads its song file before staging it',
    schema: 'downloads-test/create_tables.sql',
    downloads: [{ name: 'songs', url, key: 'song_data/song.csv' }],
    sources: [{ table: 'staging_songs', prefix: 'song_data/', format: { kind: 'csv', ignoreHeader: 1 } }],
    steps: [],
    checks: [],
    reportTables: ['staging_songs'],
    sla: { maxDurationMinutes: 30, maxStalenessHours: 48 },
  });
}

const event = { pipeline: 'downloads-test', runId: 'run-1', runDate: '2018-11-01', download: 'songs' };
const FAST = { attempts: 2, backoffMs: 5 };

describe('download handler', () => {
  let environment: LocalEnvironment;
  let dataDir: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redline-download-handler-'));
    dataDir = join(dir, 'landing');
    environment = await openLocalEnvironment({ dataDir, stateDir: join(dir, 'state'), notifier: new CapturingNotifier() });
  });
  afterAll(() => environment.close());

  /** The handler as createHandlers wires it (audited as download_<name>), for a spec built here. */
  const auditedDownload = (url: string) =>
    audited(environment, (e) => `download_${String(e.download)}`, createDownloadHandler(environment, { specNamed: () => specFrom(url), transfer: FAST }));

  it('GIVEN a fresh warehouse WHEN the download runs THEN the file lands, redline_runs exists and records the step', async () => {
    const result = await auditedDownload(`${base}/song.csv`)(event);

    expect(result).toEqual({
      name: 'songs',
      url: `${base}/song.csv`,
      uri: 's3://redline-landing/song_data/song.csv',
      bytes: SONGS.length,
      sha256: createHash('sha256').update(SONGS).digest('hex'),
      skipped: false,
    });
    expect((await readFile(join(dataDir, 'song_data/song.csv'))).equals(SONGS)).toBe(true);
    const audit = await environment.warehouse.query("SELECT step, status FROM redline_runs WHERE run_id = 'run-1'");
    expect(audit).toEqual([{ step: 'download_songs', status: 'SUCCEEDED' }]);
  });

  it('GIVEN a file already landed WHEN the download runs again THEN it is skipped (304 on its ETag)', async () => {
    const result = await auditedDownload(`${base}/song.csv`)({ ...event, runId: 'run-2' });
    expect(result).toMatchObject({ skipped: true, bytes: SONGS.length });
    expect(notModified).toBe(1);
  });

  it('GIVEN a URL the server does not have WHEN the download runs THEN DownloadRejected, recorded in the audit by name', async () => {
    const error = await auditedDownload(`${base}/missing.csv`)({ ...event, runId: 'run-3' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadRejected);
    const audit = await environment.warehouse.query("SELECT step, status, error FROM redline_runs WHERE run_id = 'run-3'");
    expect(audit).toEqual([{ step: 'download_songs', status: 'FAILED', error: `DownloadRejected: ${base}/missing.csv answered 404 Not Found` }]);
  });

  it('GIVEN an event without a download name or with a bad run date WHEN the handler runs THEN zod refuses it', async () => {
    const handler = createDownloadHandler(environment, { specNamed: () => specFrom(`${base}/song.csv`) });
    await expect(handler({ ...event, download: undefined })).rejects.toBeInstanceOf(ZodError);
    await expect(handler({ ...event, runDate: '01/11/2018' })).rejects.toBeInstanceOf(ZodError);
  });

  it('GIVEN a download the spec does not declare WHEN the handler runs THEN InvalidInput names it', async () => {
    const handler = createDownloadHandler(environment, { specNamed: () => specFrom(`${base}/song.csv`) });
    await expect(handler({ ...event, download: 'lyrics' })).rejects.toThrow(new InvalidInput("pipeline downloads-test declares no download 'lyrics'"));
  });
});

describe('the download handler among the handlers', () => {
  it('GIVEN createHandlers WHEN download fails THEN it is audited as download_<name> with the error', async () => {
    const recorded: Record<string, unknown>[] = [];
    const warehouse: Warehouse = { ...scriptedWarehouse(() => []), execute: async (_sql, params) => void recorded.push({ ...params }) };

    const error = await createHandlers(fakeDeps(warehouse))
      .download({ ...event, pipeline: 'sparkify' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInput);
    expect(recorded).toMatchObject([{ step: 'download_songs', status: 'FAILED', error: "InvalidInput: pipeline sparkify declares no download 'songs'" }]);
  });
});
