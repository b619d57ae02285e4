// GIVEN a pipeline that downloads its data sets (seed 001: song.csv and the day's events file), built
// here with definePipeline WHEN its definition is synthesized THEN the Download states come first of
// all and retry DownloadFailed; WHEN the definition runs (aws-local-stepfunctions, the real download
// handler against a local HTTP server, stand-ins for the warehouse tasks) THEN the files are landed
// before the sensor plans, a DownloadFailed is retried by the state machine and a DownloadRejected
// fails the run at once; WHEN deployed THEN the download function is outside any VPC and may write
// only the declared landing keys and their records, every finding acknowledged exactly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Validations } from 'aws-cdk-lib';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerDeps } from '../../../lambdas/core/deps.ts';
import { createDownloadHandler } from '../../../lambdas/handlers/download.ts';
import { HANDLER_NAMES, type HandlerName, type TaskHandler } from '../../../lambdas/handlers/index.ts';
import { handlersUsedBy } from '../../../lib/cloud/pipeline.ts';
import { RedlineStack } from '../../../lib/cloud/redline-stack.ts';
import { bindTaskStates } from '../../../lib/local/runner.ts';
import { allStates, placeholderFunctionArn, synthesizeDefinition, type AslDefinition } from '../../../lib/local/state-machine-definition.ts';
import { sparkify } from '../../../lib/pipelines/sparkify.ts';
import { definePipeline, type PipelineSpecInput } from '../../../lib/pipelines/spec.ts';
import { userActivityReports } from '../../../lib/pipelines/user-activity.ts';
import { fakeDeps, scriptedWarehouse } from '../../support/fake-deps.ts';
import { logicalId, objectsOf, statementsOfRole, synthRedline, TEST_ENTRY } from './redline-app.ts';

type TaskOverrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** Seed 001's shape: two downloads, one of them the run date's file, staged by two sources. */
function seed001(base: string, more: Partial<PipelineSpecInput> = {}) {
  return definePipeline({
    name: 'seed-001',
    description: 'downloads song.csv and the day of events, then stages them',
    schema: 'seed-001/create_tables.sql',
    downloads: [
      { name: 'songs', url: `${base}/data/song.csv`, key: 'song_data/song.csv' },
      { name: 'events', url: `${base}/data/{yyyy}-{mm}-{dd}-events.csv`, key: 'log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.csv', maxBytes: 100_000_000 },
    ],
    sources: [
      { table: 'staging_songs', prefix: 'song_data/', format: { kind: 'csv', ignoreHeader: 1 } },
      { table: 'staging_events', prefix: 'log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.csv', format: { kind: 'csv', ignoreHeader: 1 } },
    ],
    steps: [],
    checks: [],
    reportTables: ['staging_songs', 'staging_events'],
    sla: { maxDurationMinutes: 30, maxStalenessHours: 48 },
    ...more,
  });
}

const REMOTE = 'https://example.com';

describe('the downloads field of a spec', () => {
  it('GIVEN a spec without downloads WHEN defined THEN it downloads nothing', () => {
    expect(sparkify.downloads).toEqual([]);
  });

  it.each([
    ['a placeholder other than the run date', { url: `${REMOTE}/{hh}.csv` }],
    ['a URL that is not http(s)', { url: 'ftp://example.com/song.csv' }],
    ['a key that is a prefix', { key: 'song_data/' }],
    ['a checksum that is not lower-case hex SHA-256', { sha256: 'ABC' }],
    ['a size limit that is not positive', { maxBytes: 0 }],
  ])('GIVEN %s WHEN defined THEN the spec is refused', (_, bad) => {
    const download = { name: 'songs', url: `${REMOTE}/song.csv`, key: 'song_data/song.csv', ...bad };
    expect(() => seed001(REMOTE, { downloads: [download] })).toThrow();
  });

  it('GIVEN two downloads of one name WHEN defined THEN the spec is refused', () => {
    const download = { name: 'songs', url: `${REMOTE}/song.csv`, key: 'song_data/song.csv' };
    expect(() => seed001(REMOTE, { downloads: [download, { ...download, key: 'song_data/other.csv' }] })).toThrow(/download names must be unique/);
  });
});

describe('PipelineDefinition of a pipeline with downloads', () => {
  const definition = synthesizeDefinition(seed001(REMOTE));
  const states = new Map(allStates(definition));

  it('GIVEN downloads WHEN synthesized THEN Download <name> tasks run first, in order, then the sensor', () => {
    expect(definition.StartAt).toBe('Download songs');
    expect(states.get('Download songs')).toMatchObject({
      Type: 'Task',
      Resource: placeholderFunctionArn('download'),
      ResultPath: '$.downloads.songs',
      Next: 'Download events',
    });
    expect(states.get('Download events')).toMatchObject({ ResultPath: '$.downloads.events', Next: 'Start run' });
    expect(states.get('Download songs')?.Parameters).toEqual({
      pipeline: 'seed-001',
      'runId.$': '$$.Execution.Name',
      'runDate.$': '$.runDate',
      'runTime.$': '$.runDate',
      download: 'songs',
    });
  });

  it('GIVEN downloads WHEN synthesized THEN every Download state retries DownloadFailed with backoff, never DownloadRejected', () => {
    for (const name of ['Download songs', 'Download events']) {
      const retry = states.get(name)?.Retry as { ErrorEquals: string[] }[];
      expect(retry.flatMap((r) => r.ErrorEquals), name).not.toContain('DownloadRejected');
      expect(retry.flatMap((r) => r.ErrorEquals), name).not.toContain('States.ALL');
      expect(retry, name).toContainEqual(
        {
          ErrorEquals: ['WarehouseThrottled', 'WarehouseUnavailable', 'StatementAborted', 'SerializationConflict', 'DownloadFailed'],
          IntervalSeconds: 5,
          MaxAttempts: 4,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      );
    }
  });

  it('GIVEN downloads and an extract WHEN synthesized THEN the downloads come before Read watermarks', () => {
    const withExtract = synthesizeDefinition(seed001(REMOTE, { extract: userActivityReports.extract }));
    expect(withExtract.StartAt).toBe('Download songs');
    expect(withExtract.States['Download events']?.Next).toBe('Read watermarks');
  });

  it('GIVEN no downloads WHEN synthesized THEN there is no Download state', () => {
    expect(allStates(synthesizeDefinition(sparkify)).filter(([, s]) => s.Resource === placeholderFunctionArn('download'))).toEqual([]);
  });
});

describe('a run of a pipeline with downloads', () => {
  let server: Server;
  let base: string;
  /** Per path, how many requests; /data/song.csv drops its first connection mid-body. */
  const requests = new Map<string, number>();
  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '';
      const count = (requests.get(path) ?? 0) + 1;
      requests.set(path, count);
      if (path === '/data/missing.csv') return response.writeHead(404).end();
      const body = Buffer.from(`body of ${path}\n`.repeat(1000));
      response.writeHead(200, { 'content-length': String(body.length) });
      if (path === '/data/song.csv' && count === 1) return response.write(body.subarray(0, 100), () => response.socket?.destroy());
      response.end(body);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  /** Runs the spec's definition: the real download handler (one attempt per call), stand-ins for the rest. */
  async function run(spec: ReturnType<typeof seed001>) {
    const deps: HandlerDeps = {
      ...fakeDeps({ ...scriptedWarehouse(() => []), executeInTransaction: async () => undefined }),
      sql: { read: async () => 'CREATE TABLE IF NOT EXISTS redline_runs (run_id VARCHAR(128))' },
    };
    const calls: string[] = [];
    let landedWhenPlanned: string[] = [];
    const download = createDownloadHandler(deps, { specNamed: () => spec, transfer: { attempts: 1 } });
    const standIn = (name: HandlerName): TaskHandler => async (event) => {
      calls.push(name);
      if (name === 'plan') {
        landedWhenPlanned = (await deps.store.list('s3://landing/')).map((o) => o.uri);
        return { ready: true, attempt: 1, manifests: { staging_songs: 's3://work/s', staging_events: 's3://work/e' }, batches: {}, objects: {} };
      }
      if (name === 'check') return { checks: [] };
      return { table: (event as { table?: string }).table };
    };
    const handlers = Object.fromEntries(HANDLER_NAMES.map((h) => [h, standIn(h)])) as Record<HandlerName, TaskHandler>;
    handlers.download = async (event) => {
      calls.push(`download ${(event as { download: string }).download}`);
      return download(event);
    };
    const definition: AslDefinition = synthesizeDefinition(spec);
    const tasks = allStates(definition).filter(([, s]) => s.Type === 'Task').map(([name]) => [name, 1]);
    const execution = new StateMachine(definition as unknown as StateMachineDefinition).run({ runDate: '2018-11-01' } as never, {
      overrides: { taskResourceLocalHandlers: bindTaskStates(definition, handlers) as TaskOverrides, retryIntervalOverrides: Object.fromEntries(tasks) },
      context: { Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:redline-seed-001:run-1', Name: 'run-1' } },
    });
    const error = await execution.result.then(
      () => undefined,
      (thrown: Error) => (thrown.cause as Error | undefined) ?? thrown,
    );
    return { calls, landedWhenPlanned, error };
  }

  it('GIVEN a connection dropped once WHEN the run starts THEN the state machine retries the DownloadFailed, and both files land before the plan', async () => {
    const { calls, landedWhenPlanned, error } = await run(seed001(base));

    expect(error).toBeUndefined();
    expect(calls.slice(0, 4)).toEqual(['download songs', 'download songs', 'download events', 'plan']);
    expect(requests.get('/data/song.csv')).toBe(2);
    expect(requests.get('/data/2018-11-01-events.csv')).toBe(1);
    expect(landedWhenPlanned).toEqual(['s3://landing/song_data/song.csv', 's3://landing/log_data/2018/11/2018-11-01-events.csv']);
  });

  it('GIVEN a file the server does not have WHEN the run starts THEN it fails at once in its Download state with DownloadRejected', async () => {
    const spec = seed001(base, { downloads: [{ name: 'songs', url: `${base}/data/missing.csv`, key: 'song_data/song.csv' }] });

    const { calls, error } = await run(spec);

    expect(error?.name).toBe('DownloadRejected');
    expect(calls).toEqual(['download songs']);
  });
});

describe('the download function, deployed', () => {
  const spec = seed001(REMOTE);

  it('GIVEN downloads WHEN the handlers are chosen THEN download is among them; without downloads it is not', () => {
    expect(handlersUsedBy(spec)).toContain('download');
    expect(handlersUsedBy(sparkify)).not.toContain('download');
  });

  it('GIVEN the stack WHEN synthesized THEN the function is outside any VPC and writes exactly the declared keys and their records', () => {
    const { stack, template } = synthRedline({ pipelines: [spec], collector: false });
    const download = stack.pipelines[0]!.functions.download!;
    const properties = (template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)[logicalId(download)]!.Properties;
    expect(properties.Handler).toBe('index.download');
    expect(properties.VpcConfig).toBeUndefined();

    const landing = logicalId(stack.buckets.landing);
    const work = logicalId(stack.buckets.work);
    const statements = statementsOfRole(template, logicalId(download.role!));
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Sid: 'FindLandedDownloads',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: { 'Fn::GetAtt': [landing, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['song_data/song.csv', 'log_data/*'] } },
        },
        {
          Sid: 'WriteDownloads',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Resource: [objectsOf(landing, 'song_data/song.csv'), objectsOf(landing, 'log_data/*')],
        },
        {
          Sid: 'FindDownloadRecords',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: { 'Fn::GetAtt': [work, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['downloads/song_data/song.csv.download.json', 'downloads/log_data/*.download.json'] } },
        },
        {
          Sid: 'ReadWriteDownloadRecords',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: [objectsOf(work, 'downloads/song_data/song.csv.download.json'), objectsOf(work, 'downloads/log_data/*.download.json')],
        },
      ]),
    );
    const s3Statements = (statements as { Action: string | string[] }[]).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Statements).toHaveLength(4);
  });

  it('GIVEN the stack checked by cdk-nag WHEN synthesized THEN nothing is left unacknowledged', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new RedlineStack(app, 'redline-dev', { pipelines: [spec], collector: false, lambdaEntry: TEST_ENTRY });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
