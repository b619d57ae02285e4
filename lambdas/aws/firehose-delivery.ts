// Delivery of records to a Kinesis Data Firehose stream with PutRecordBatch. Records go out in calls
// of at most 500 records and 4 MiB (Firehose's limits). A call answered with FailedPutCount > 0 did
// deliver every record without an ErrorCode, so only the failed ones are sent again, after a pause
// whose ceiling doubles with each attempt (full jitter below it), up to `attempts` sends per record.
// A call that throws is not sent again here: the SDK has already retried it (throttling, 5xx) by its
// own retry strategy. Whatever is still undelivered then fails the delivery with FirehoseDeliveryFailed,
// naming the records by index, so the caller never reports them accepted.
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordBatchCommand, type FirehoseClient, type PutRecordBatchResponseEntry } from '@aws-sdk/client-firehose';
import { RedlineError } from '../core/errors.ts';

/** Firehose's limit on records per PutRecordBatch call. */
export const MAX_BATCH_RECORDS = 500;

/** Firehose's limit on the data of one PutRecordBatch call, in bytes. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Some records could not be delivered after every attempt; the others were. Sending them again later may succeed. */
export class FirehoseDeliveryFailed extends RedlineError {
  override readonly name = 'FirehoseDeliveryFailed';
  override readonly transient = true;
  /**
   * @param stream the delivery stream
   * @param undelivered the indexes (in the records given) of the records not delivered, ascending
   * @param reasons why, one line per distinct reason: a record's ErrorCode and ErrorMessage, or the error a call threw
   */
  constructor(
    readonly stream: string,
    readonly undelivered: readonly number[],
    readonly reasons: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${undelivered.length} record(s) could not be delivered to Firehose stream ${stream}: ${reasons.join('; ')}`, options);
  }
}

export interface FirehoseDeliveryOptions {
  /**
   * Sends of a record before it counts as undelivered (1 = no resend).
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Ceiling of the first pause before failed records are sent again, in ms; doubled after each attempt.
   * @default 100
   */
  readonly backoffMs?: number;
}

/** Records (their indexes) split into calls within Firehose's limits, in order. */
function batchesOf(records: readonly Uint8Array[], indexes: readonly number[]): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = records[index]!.byteLength;
    if (batch.length === MAX_BATCH_RECORDS || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(index);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function reasonOf(entry: PutRecordBatchResponseEntry | undefined): string {
  return entry ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? 'no message'}` : 'no response for the record';
}

/**
 * Delivers every record to `stream`, each exactly as given (Firehose adds no delimiter).
 * @throws FirehoseDeliveryFailed naming the records still undelivered after every attempt; the rest were delivered
 */
export async function deliverToFirehose(
  client: FirehoseClient,
  stream: string,
  records: readonly Uint8Array[],
  options: FirehoseDeliveryOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  /** Records of calls that threw: not sent again. */
  const abandoned: number[] = [];
  const abandonReasons = new Set<string>();
  let cause: unknown;
  let pending = records.map((_, index) => index);
  let failureReasons = new Set<string>();

  for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.random() * backoffMs * 2 ** (attempt - 2));
    const failed: number[] = [];
    failureReasons = new Set();
    for (const batch of batchesOf(records, pending)) {
      try {
        const answer = await client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: batch.map((index) => ({ Data: records[index] })) }),
        );
        if (!answer.FailedPutCount) continue;
        batch.forEach((index, position) => {
          const entry = answer.RequestResponses?.[position];
          if (entry && !entry.ErrorCode) return;
          failed.push(index);
          failureReasons.add(reasonOf(entry));
        });
      } catch (error) {
        abandoned.push(...batch);
        abandonReasons.add(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        cause = error;
      }
    }
    pending = failed;
  }

  const undelivered = [...abandoned, ...pending].sort((a, b) => a - b);
  if (undelivered.length === 0) return;
  throw new FirehoseDeliveryFailed(stream, undelivered, [...abandonReasons, ...failureReasons], cause === undefined ? undefined : { cause });
}
