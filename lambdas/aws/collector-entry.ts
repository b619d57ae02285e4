// The cloud game-events collector: the Lambda behind the API Gateway HTTP API (payload format 2.0)
// that EventCollector (lib/cloud/collector.ts) deploys. Each request is answered by collectRequest()
// (lambdas/core/game-events/collect.ts) — GET takes the query parameters, POST a JSON body (decoded
// first when API Gateway passes it base64-encoded) — and an accepted event is delivered to the Firehose
// stream named by REDLINE_EVENTS_STREAM as one newline-terminated JSON line (PutRecordBatch through
// deliverToFirehose, which sends a record Firehose failed again, with backoff) before the 202 goes
// out. An event still undelivered is logged and answered 503, never 2xx, so the client sends it again.
import { randomUUID } from 'node:crypto';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { collectRequest, landingLine, queryParameters } from '../core/game-events/collect.ts';
import { FirehoseDeliveryFailed, deliverToFirehose } from './firehose-delivery.ts';

/** The environment variable naming the delivery stream events are put to. */
export const EVENTS_STREAM_VARIABLE = 'REDLINE_EVENTS_STREAM';

const logger = new Logger();
const firehose = new FirehoseClient({});

function eventsStream(): string {
  const name = process.env[EVENTS_STREAM_VARIABLE];
  if (!name) throw new Error(`missing environment variable ${EVENTS_STREAM_VARIABLE}`);
  return name;
}

function json(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Answers one request of the HTTP API; throws (API Gateway answers 500) only when the deployment is broken. */
export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  logger.addContext(context);
  const stream = eventsStream();
  const method = event.requestContext.http.method;
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const response = collectRequest(
    {
      method,
      path: event.rawPath,
      contentType: event.headers['content-type'],
      body: method.toUpperCase() === 'GET' ? queryParameters(event.rawQueryString) : body,
      bodyBytes: body.byteLength,
      headers: event.headers,
    },
    { now: new Date(), eventId: randomUUID() },
  );
  if (response.status !== 202) return json(response.status, response.body, 'headers' in response ? response.headers : {});

  const { event_id, event_type } = response.record;
  try {
    await deliverToFirehose(firehose, stream, [Buffer.from(landingLine(response.record), 'utf8')]);
  } catch (error) {
    if (!(error instanceof FirehoseDeliveryFailed)) throw error;
    logger.error('putting the event to Firehose failed', { event_id, event_type, stream, error });
    return json(503, { error: 'the event could not be recorded; send it again later' }, { 'retry-after': '1' });
  }
  return json(202, response.body);
}
