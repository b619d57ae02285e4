// deliverToFirehose with the Firehose client mocked: records go out by PutRecordBatch within
// Firehose's limits (500 records, 4 MiB a call); after a partial failure (FailedPutCount > 0) only the
// records with an ErrorCode are sent again, up to the attempts allowed; what is still undelivered, or
// was in a call that threw, fails the delivery with FirehoseDeliveryFailed naming those records.
import {
  FirehoseClient,
  PutRecordBatchCommand,
  ServiceUnavailableException,
  type PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FirehoseDeliveryFailed,
  MAX_BATCH_BYTES,
  MAX_BATCH_RECORDS,
  deliverToFirehose,
} from '../../../lambdas/aws/firehose-delivery.ts';

const STREAM = 'redline-test-game-events';
const firehose = mockClient(FirehoseClient);
const client = new FirehoseClient({ region: 'eu-west-1' });
/** No real pause between attempts. */
const FAST = { backoffMs: 0 };

const line = (n: number): Uint8Array => Buffer.from(`${JSON.stringify({ event_type: 'join_guild', n })}\n`);

/** The records of each PutRecordBatch call, as text. */
function calls(): string[][] {
  return firehose.commandCalls(PutRecordBatchCommand).map((call) => call.args[0].input.Records!.map((record) => Buffer.from(record.Data!).toString('utf8')));
}

/** An answer to a call of `count` records in which the records at `failing` (0-based positions) failed. */
function answer(count: number, failing: readonly number[] = []): PutRecordBatchCommandOutput {
  return {
    $metadata: {},
    FailedPutCount: failing.length,
    Encrypted: true,
    RequestResponses: Array.from({ length: count }, (_, position) =>
      failing.includes(position) ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: `r-${position}` },
    ),
  };
}

/** Answers every call as `failing(records of the call)` says. */
function answerEach(failing: (records: string[]) => number[]): void {
  firehose.on(PutRecordBatchCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => {
    const records = input.Records.map((record) => Buffer.from(record.Data).toString('utf8'));
    return answer(records.length, failing(records));
  });
}

beforeEach(() => {
  firehose.reset();
});

describe('deliverToFirehose', () => {
  it('GIVEN records WHEN Firehose takes them all THEN they go out in one PutRecordBatch call, each exactly as given', async () => {
    firehose.on(PutRecordBatchCommand).resolves(answer(3));
    const records = [line(1), line(2), line(3)];

    await deliverToFirehose(client, STREAM, records, FAST);

    const [call] = firehose.commandCalls(PutRecordBatchCommand);
    expect(call!.args[0].input.DeliveryStreamName).toBe(STREAM);
    expect(calls()).toEqual([records.map((record) => Buffer.from(record).toString('utf8'))]);
  });

  it('GIVEN a PutRecordBatch answering FailedPutCount 1 for record 2 WHEN delivered THEN only record 2 is sent again and the delivery succeeds', async () => {
    firehose.on(PutRecordBatchCommand).resolvesOnce(answer(3, [1])).resolves(answer(1));
    const records = [line(1), line(2), line(3)];

    await deliverToFirehose(client, STREAM, records, FAST);

    const text = records.map((record) => Buffer.from(record).toString('utf8'));
    expect(calls()).toEqual([text, [text[1]]]);
  });

  it('GIVEN records failing at every attempt WHEN delivered THEN each is sent 3 times and FirehoseDeliveryFailed names them; the others were sent once', async () => {
    answerEach((records) => records.flatMap((record, position) => (record.includes('"n":2') || record.includes('"n":4') ? [position] : [])));
    const records = [line(1), line(2), line(3), line(4)];

    const failure = await deliverToFirehose(client, STREAM, records, FAST).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(FirehoseDeliveryFailed);
    expect(failure).toMatchObject({ name: 'FirehoseDeliveryFailed', transient: true, stream: STREAM, undelivered: [1, 3] });
    expect((failure as Error).message).toBe(
      `2 record(s) could not be delivered to Firehose stream ${STREAM}: ServiceUnavailableException: Slow down.`,
    );
    expect(calls().map((call) => call.length)).toEqual([4, 2, 2]);
  });

  it('GIVEN attempts: 1 WHEN a record fails THEN it is not sent again', async () => {
    firehose.on(PutRecordBatchCommand).resolves(answer(2, [0]));

    await expect(deliverToFirehose(client, STREAM, [line(1), line(2)], { attempts: 1 })).rejects.toMatchObject({ undelivered: [0] });
    expect(calls()).toHaveLength(1);
  });

  it('GIVEN a failed answer without a response for a record WHEN delivered THEN that record counts as failed and is sent again', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({ FailedPutCount: 1, RequestResponses: [{ RecordId: 'r-0' }] })
      .resolves(answer(1));
    const records = [line(1), line(2)];

    await deliverToFirehose(client, STREAM, records, FAST);

    expect(calls()[1]).toEqual([Buffer.from(records[1]!).toString('utf8')]);
  });

  it('GIVEN a call that throws (the SDK retried it already) WHEN delivered THEN its records are not sent again and the error is the cause', async () => {
    const thrown = new ServiceUnavailableException({ message: 'Slow down.', $metadata: {} });
    firehose.on(PutRecordBatchCommand).rejects(thrown);

    const failure = (await deliverToFirehose(client, STREAM, [line(1), line(2)], FAST).catch((error: unknown) => error)) as FirehoseDeliveryFailed;

    expect(failure).toBeInstanceOf(FirehoseDeliveryFailed);
    expect(failure.undelivered).toEqual([0, 1]);
    expect(failure.reasons).toEqual(['ServiceUnavailableException: Slow down.']);
    expect(failure.cause).toBe(thrown);
    expect(calls()).toHaveLength(1);
  });

  it('GIVEN more than 500 records WHEN delivered THEN they go out in calls of at most 500, in order', async () => {
    answerEach(() => []);
    const records = Array.from({ length: MAX_BATCH_RECORDS * 2 + 1 }, (_, n) => line(n));

    await deliverToFirehose(client, STREAM, records, FAST);

    expect(calls().map((call) => call.length)).toEqual([MAX_BATCH_RECORDS, MAX_BATCH_RECORDS, 1]);
    expect(calls().flat()).toEqual(records.map((record) => Buffer.from(record).toString('utf8')));
  });

  it('GIVEN records over 4 MiB in all WHEN delivered THEN no call carries more than 4 MiB', async () => {
    answerEach(() => []);
    const record = Buffer.alloc(900 * 1024, 'x');
    const records = Array.from({ length: 10 }, () => record);

    await deliverToFirehose(client, STREAM, records, FAST);

    const sizes = firehose
      .commandCalls(PutRecordBatchCommand)
      .map((call) => call.args[0].input.Records!.reduce((sum, { Data }) => sum + Data!.byteLength, 0));
    expect(sizes).toEqual([4, 4, 2].map((count) => count * record.byteLength));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });

  it('GIVEN no records WHEN delivered THEN nothing is sent', async () => {
    await deliverToFirehose(client, STREAM, [], FAST);

    expect(calls()).toEqual([]);
  });
});
