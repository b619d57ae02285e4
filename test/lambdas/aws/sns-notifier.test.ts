import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatAlert } from '../../../lambdas/core/alert-format.ts';
import type { Alert } from '../../../lambdas/core/ports.ts';
import { SnsNotifier } from '../../../lambdas/aws/sns-notifier.ts';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:redline-alerts';
const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn });

const cause = JSON.stringify({
  errorType: 'LoadErrorsExceeded',
  errorMessage:
    'COPY into staging_events rejected 6 row(s), over MAXERROR 5; nothing was loaded. s3://landing/log_data/e.json:7 ts Invalid digit',
});
const alert = formatAlert(
  { pipeline: 'sparkify', runId: 'run-1', runDate: '2018-11-02', failedStep: 'Stage staging_events', error: { Error: 'LoadErrorsExceeded', Cause: cause } },
  (name) => `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:redline-sparkify:${name}`,
);

function published() {
  return sns.commandCalls(PublishCommand)[0]?.args[0].input;
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SnsNotifier', () => {
  it('GIVEN a failed run WHEN notified THEN the message names pipeline, run date, failed step, error, rejected rows and the console link', async () => {
    await notifier.send(alert);

    const input = published();
    expect(input?.TopicArn).toBe(topicArn);
    expect(input?.Message).toBe(alert.details.join('\n'));
    expect(input?.Message).toContain('Pipeline: sparkify');
    expect(input?.Message).toContain('run date 2018-11-02');
    expect(input?.Message).toContain('Failed step: Stage staging_events');
    expect(input?.Message).toContain('Error: LoadErrorsExceeded');
    expect(input?.Message).toContain('s3://landing/log_data/e.json:7 ts Invalid digit');
    expect(input?.Message).toContain('Execution: https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/');
    expect(input?.MessageAttributes).toEqual({
      pipeline: { DataType: 'String', StringValue: 'sparkify' },
      runDate: { DataType: 'String', StringValue: '2018-11-02' },
    });
  });

  it('GIVEN a short subject WHEN notified THEN it is sent as is', async () => {
    await notifier.send(alert);

    expect(published()?.Subject).toBe('[redline] sparkify 2018-11-02 failed at Stage staging_events: LoadErrorsExceeded');
  });

  it('GIVEN a subject over 99 characters WHEN notified THEN it is cut to 99 with an ASCII ellipsis', async () => {
    const long: Alert = { ...alert, subject: `[redline] sparkify 2018-11-02 failed at ${'a very long step name '.repeat(8)}` };

    await notifier.send(long);

    const subject = published()?.Subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject).toMatch(/^\[redline\] sparkify 2018-11-02 failed at a very long step name .*\.\.\.$/);
  });

  it('GIVEN a subject with accents, emoji and line breaks WHEN notified THEN it becomes one line of printable ASCII', async () => {
    await notifier.send({ ...alert, subject: '[redline] café\r\n  pipeline 🚨 failed\tnow' });

    expect(published()?.Subject).toBe('[redline] cafe pipeline ?? failed now');
  });
});
