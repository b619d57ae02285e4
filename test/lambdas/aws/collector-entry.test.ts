// The cloud collector's Lambda handler behind the HTTP API (payload format 2.0), with Firehose mocked:
// an accepted event is put to the configured stream (PutRecordBatch) as one JSON line carrying its
// enrichment and the event_type the stream partitions by, and answered 202; refused requests (400,
// 404, 413, 415) put nothing; a record Firehose failed (FailedPutCount) is sent again, and an event
// still undelivered after every attempt, or a put that throws, is logged and answered 503, never 2xx.
import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException } from '@aws-sdk/client-firehose';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

type CollectorEntry = typeof import('../../../lambdas/aws/collector-entry.ts');

const STREAM = 'redline-test-game-events';
const HEADERS = { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'ApacheBench/2.3', accept: '*/*' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const firehose = mockClient(FirehoseClient);
let entry: CollectorEntry;

const context = {
  functionName: 'redline-test-collector',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

interface Request {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: string;
  body?: string;
  base64?: boolean;
  contentType?: string;
}

/** An HTTP API (payload format 2.0) event for `request`. */
function httpEvent(request: Request): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { ...HEADERS, ...(request.contentType ? { 'content-type': request.contentType } : {}) };
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: request.query ?? '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: HEADERS.host,
      domainPrefix: 'abc123',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: HEADERS['user-agent'] },
      requestId: 'req-1',
      routeKey: `${request.method} ${request.path}`,
      stage: '$default',
      time: '09/Mar/2024:17:05:42 +0000',
      timeEpoch: 1_709_996_742_071,
    },
    isBase64Encoded: request.base64 ?? false,
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

async function send(request: Request): Promise<APIGatewayProxyStructuredResultV2 & { json: Record<string, unknown> }> {
  const result = await entry.handler(httpEvent(request), context);
  return { ...result, json: JSON.parse(String(result.body)) as Record<string, unknown> };
}

/** The records put to Firehose over every call, in the order sent, each as the text it was sent as. */
function putRecords(): { stream: string | undefined; data: string }[] {
  return firehose.commandCalls(PutRecordBatchCommand).flatMap((call) =>
    call.args[0].input.Records!.map((record) => ({
      stream: call.args[0].input.DeliveryStreamName,
      data: Buffer.from(record.Data!).toString('utf8'),
    })),
  );
}

/** A PutRecordBatch answer in which the one record put failed with `code`. */
const failedRecord = (code: string) => ({
  FailedPutCount: 1,
  Encrypted: true,
  RequestResponses: [{ ErrorCode: code, ErrorMessage: `${code} for the record` }],
});

beforeAll(async () => {
  // The logger is built when the module loads: errors only, through the global console.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  // Test files share a module cache (isolate: false): load the module afresh so its logger sees these.
  vi.resetModules();
  entry = await import('../../../lambdas/aws/collector-entry.ts');
  vi.unstubAllEnvs();
});

beforeEach(() => {
  vi.stubEnv(entry.EVENTS_STREAM_VARIABLE, STREAM);
  firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, Encrypted: true, RequestResponses: [{ RecordId: 'record-1' }] });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  firehose.reset();
});

describe('collector Lambda entry', () => {
  it('GIVEN a valid POST WHEN handled THEN the event is put to the stream as one JSON line and answered 202 with its id', async () => {
    const body = '{"guild_id": 7, "guild_name": "Silver Hand"}';

    const response = await send({ method: 'POST', path: '/join_a_guild', body, contentType: 'application/json' });

    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(response.json.event_id).toMatch(UUID);
    const puts = putRecords();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.stream).toBe(STREAM);
    expect(puts[0]!.data.endsWith('\n')).toBe(true);
    expect(puts[0]!.data.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(puts[0]!.data)).toEqual({
      event_id: response.json.event_id,
      event_type: 'join_guild',
      event_ts: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
      host: HEADERS.host,
      user_agent: 'ApacheBench/2.3',
      accept: '*/*',
      guild_id: 7,
      guild_name: 'Silver Hand',
      raw_event: body,
    });
  });

  it('GIVEN a GET with a query string WHEN handled THEN its parameters are the fields of the record put', async () => {
    const response = await send({ method: 'GET', path: '/take_damage', query: 'enemy_id=4&enemy_name=skeleton+king&damage=17' });

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(putRecords()[0]!.data)).toMatchObject({
      event_type: 'take_damage',
      enemy_id: 4,
      enemy_name: 'skeleton king',
      damage: 17,
      raw_event: JSON.stringify({ enemy_id: '4', enemy_name: 'skeleton king', damage: '17' }),
    });
  });

  it('GIVEN a base64-encoded POST body WHEN handled THEN it is decoded before it is read', async () => {
    const body = '{"sword_type": "épée", "sword_cost": 12.5}';

    const response = await send({
      method: 'POST',
      path: '/purchase_a_sword',
      body: Buffer.from(body).toString('base64'),
      base64: true,
      contentType: 'application/json; charset=utf-8',
    });

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(putRecords()[0]!.data)).toMatchObject({ sword_type: 'épée', sword_cost: 12.5, raw_event: body });
  });

  it('GIVEN a base64-encoded POST body holding invalid UTF-8 WHEN handled THEN it is refused (400) as not valid UTF-8 and nothing is put', async () => {
    const body = Buffer.concat([Buffer.from('{"guild_id": 3, "guild_name": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

    const response = await send({ method: 'POST', path: '/join_a_guild', body: body.toString('base64'), base64: true, contentType: 'application/json' });

    expect(response.statusCode).toBe(400);
    expect(response.json.issues).toEqual([{ path: '', message: 'not valid UTF-8' }]);
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN two events WHEN handled THEN each gets its own id', async () => {
    const first = await send({ method: 'GET', path: '/' });
    const second = await send({ method: 'GET', path: '/' });

    expect(first.json.event_id).not.toBe(second.json.event_id);
  });

  it('GIVEN an invalid event WHEN handled THEN it is refused (400) with its issues and nothing is put', async () => {
    const response = await send({ method: 'POST', path: '/kill_enemy', body: '{"enemy_id": "four"}', contentType: 'application/json' });

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid event', event_type: 'kill_enemy' });
    expect((response.json.issues as { path: string }[]).map((issue) => issue.path).sort()).toEqual(['enemy_id', 'enemy_level', 'enemy_name']);
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN a path no event type declares WHEN handled THEN it is not found (404) and nothing is put', async () => {
    const response = await send({ method: 'GET', path: '/buy_a_shield' });

    expect(response.statusCode).toBe(404);
    expect(response.json.error).toBe('no event route /buy_a_shield');
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN a method other than GET and POST WHEN handled THEN it is not allowed (405) with an Allow header', async () => {
    const response = await send({ method: 'PUT', path: '/', body: '{}', contentType: 'application/json' });

    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ Allow: 'GET, POST' });
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN a POST body over 64 KiB WHEN handled THEN it is refused (413), counted in decoded bytes, and nothing is put', async () => {
    const body = JSON.stringify({ sword_type: 'x'.repeat(64 * 1024) });

    const plain = await send({ method: 'POST', path: '/purchase_a_sword', body, contentType: 'application/json' });
    const encoded = await send({
      method: 'POST',
      path: '/purchase_a_sword',
      body: Buffer.from(body).toString('base64'),
      base64: true,
      contentType: 'application/json',
    });

    expect(plain.statusCode).toBe(413);
    expect(encoded.statusCode).toBe(413);
    expect(plain.json.error).toBe('the body is over 65536 bytes');
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN a POST that is not JSON WHEN handled THEN it is refused (415) and nothing is put', async () => {
    const response = await send({ method: 'POST', path: '/join_a_guild', body: 'guild_id=7', contentType: 'application/x-www-form-urlencoded' });

    expect(response.statusCode).toBe(415);
    expect(putRecords()).toEqual([]);
  });

  it('GIVEN an accepted event WHEN it is put THEN its line carries event_type at the top level, where the stream reads its partition key', async () => {
    const response = await send({ method: 'GET', path: '/purchase_a_sword', query: 'sword_type=katana&sword_cost=310.5' });

    expect(response.statusCode).toBe(202);
    const [put] = putRecords();
    const line = JSON.parse(put!.data) as Record<string, unknown>;
    // The stream's MetadataExtraction processor partitions by the JQ query .event_type (lib/cloud/collector.ts).
    expect(line.event_type).toBe('purchase_sword');
    expect(Object.keys(line).slice(0, 6)).toEqual(['event_id', 'event_type', 'event_ts', 'host', 'user_agent', 'accept']);
    expect(line).toMatchObject({ event_id: response.json.event_id, host: HEADERS.host, sword_type: 'katana', sword_cost: 310.5 });
  });

  it('GIVEN PutRecordBatch failing the record once (FailedPutCount 1) WHEN an event is handled THEN the record is sent again and answered 202', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce(failedRecord('ServiceUnavailableException'))
      .resolves({ FailedPutCount: 0, Encrypted: true, RequestResponses: [{ RecordId: 'record-1' }] });

    const response = await send({ method: 'POST', path: '/join_a_guild', body: '{"guild_id": 7, "guild_name": "Silver Hand"}', contentType: 'application/json' });

    expect(response.statusCode).toBe(202);
    const puts = putRecords();
    expect(puts).toHaveLength(2);
    expect(puts[1]!.data).toBe(puts[0]!.data);
    expect(JSON.parse(puts[1]!.data)).toMatchObject({ event_id: response.json.event_id, event_type: 'join_guild', guild_id: 7 });
  });

  it('GIVEN PutRecordBatch failing the record at every attempt WHEN an event is handled THEN it is answered 503 after 3 puts, never accepted, and logged', async () => {
    firehose.on(PutRecordBatchCommand).resolves(failedRecord('InternalFailure'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const response = await send({ method: 'GET', path: '/join_a_guild', query: 'guild_id=7&guild_name=Silver+Hand' });

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(response.json).toEqual({ error: 'the event could not be recorded; send it again later' });
    expect(putRecords()).toHaveLength(3);
    const lines = logged.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(lines).toContain('putting the event to Firehose failed');
    expect(lines).toContain('FirehoseDeliveryFailed');
    expect(lines).toContain('InternalFailure');
  });

  it('GIVEN PutRecordBatch throwing (the SDK has retried it already) WHEN a valid event is handled THEN it is answered 503, never 2xx, and the failure is logged', async () => {
    firehose.on(PutRecordBatchCommand).rejects(new ServiceUnavailableException({ message: 'Slow down.', $metadata: {} }));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const response = await send({ method: 'GET', path: '/join_a_guild', query: 'guild_id=7&guild_name=Silver+Hand' });

    expect(response.statusCode).toBe(503);
    expect(response.json).not.toHaveProperty('event_id');
    expect(putRecords()).toHaveLength(1);
    const lines = logged.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(lines).toContain('putting the event to Firehose failed');
    expect(lines).toContain('join_guild');
    expect(lines).toContain('Slow down.');
  });

  it('GIVEN no delivery stream configured WHEN a request is handled THEN the invocation fails (API Gateway answers 500)', async () => {
    vi.stubEnv(entry.EVENTS_STREAM_VARIABLE, '');

    await expect(entry.handler(httpEvent({ method: 'GET', path: '/' }), context)).rejects.toThrow(
      `missing environment variable ${entry.EVENTS_STREAM_VARIABLE}`,
    );
    expect(putRecords()).toEqual([]);
  });
});
