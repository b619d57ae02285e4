// The cloud game-events collector: the Lambda behind the API Gateway HTTP API (payload format 2.0)
// that EventCollector (lib/cloud/collector.ts) deploys. Each request is answered by collectRequest()
// (lambdas/core/game-events/collect.ts) — GET takes the query parameters, POST a JSON body (decoded
// first when API Gateway passes it base64-encoded) — and an accepted event is put to the Firehose
// delivery stream named by REDLINE_EVENTS_STREAM as one newline-terminated JSON line before the 202
// goes out. A failed put is logged and answered 503, so the client knows to send the event again.
import { randomUUID } from 'node:crypto';
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { collectRequest, landingLine, queryParameters } from '../core/game-events/collect.ts';

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
      body: method.toUpperCase() === 'GET' ? queryParameters(event.rawQueryString) : body.toString('utf8'),
      bodyBytes: body.byteLength,
      headers: event.headers,
    },
    { now: new Date(), eventId: randomUUID() },
  );
  if (response.status !== 202) return json(response.status, response.body, 'headers' in response ? response.headers : {});

  const { event_id, event_type } = response.record;
  try {
    await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: stream, Record: { Data: Buffer.from(landingLine(response.record), 'utf8') } }),
    );
  } catch (error) {
    logger.error('putting the event to Firehose failed', { event_id, event_type, stream, error });
    return json(503, { error: 'the event could not be recorded; send it again later' }, { 'retry-after': '1' });
  }
  return json(202, response.body);
}
