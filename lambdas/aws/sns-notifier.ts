// Cloud Notifier adapter: publishes an alert to the pipeline's SNS topic. The subject is made
// safe for e-mail (printable ASCII, one line, under SNS's 100-character limit); the message is
// the alert's details, one per line; pipeline and run date travel as message attributes so
// subscriptions can filter on them.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, Notifier } from '../core/ports.ts';

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
}

/** SNS: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters long." */
const SUBJECT_MAX_LENGTH = 99;
const ELLIPSIS = '...';

/** The Notifier port on an Amazon SNS topic. */
export class SnsNotifier implements Notifier {
  constructor(private readonly options: SnsNotifierOptions) {}

  async send(alert: Alert): Promise<void> {
    await this.options.client.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: emailSafeSubject(alert.subject),
        Message: alert.details.join('\n'),
        MessageAttributes: {
          pipeline: { DataType: 'String', StringValue: alert.pipeline },
          runDate: { DataType: 'String', StringValue: alert.runDate },
        },
      }),
    );
  }
}

/** Accents dropped, other non-ASCII as '?', whitespace runs as one space, cut with '...' to fit. */
function emailSafeSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '?')
    .trim();
  return ascii.length <= SUBJECT_MAX_LENGTH
    ? ascii
    : `${ascii.slice(0, SUBJECT_MAX_LENGTH - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}
