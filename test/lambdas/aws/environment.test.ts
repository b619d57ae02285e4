import { describe, expect, it } from 'vitest';
import { executionLinkFor, InvalidEnvironment, readEnvironment, REQUIRED_VARIABLES } from '../../../lambdas/aws/environment.ts';
import { VALID_ENVIRONMENT } from './fixtures.ts';

describe('readEnvironment', () => {
  it('GIVEN every variable WHEN read THEN the settings come back', () => {
    expect(readEnvironment({ ...VALID_ENVIRONMENT, PATH: '/usr/bin' })).toEqual(VALID_ENVIRONMENT);
  });

  it('GIVEN missing or empty variables WHEN read THEN InvalidEnvironment names every one of them', () => {
    const { REDLINE_WORKGROUP: _workgroup, REDLINE_ALERT_TOPIC_ARN: _topic, ...rest } = VALID_ENVIRONMENT;

    expect(() => readEnvironment({ ...rest, REDLINE_DATABASE: '' })).toThrow(
      new InvalidEnvironment('missing environment variable(s): REDLINE_WORKGROUP, REDLINE_DATABASE, REDLINE_ALERT_TOPIC_ARN'),
    );
    expect(() => readEnvironment({})).toThrow(REQUIRED_VARIABLES.join(', '));
  });

  it('GIVEN a malformed ARN WHEN read THEN InvalidEnvironment says which variable and why', () => {
    expect(() => readEnvironment({ ...VALID_ENVIRONMENT, REDLINE_STATE_MACHINE_ARN: 'redline-sparkify' })).toThrow(
      /invalid environment variable\(s\): REDLINE_STATE_MACHINE_ARN must be a Step Functions state machine ARN/,
    );
  });
});

describe('executionLinkFor', () => {
  it('GIVEN a state machine ARN WHEN linking an execution by name THEN the link is the console page of that execution', () => {
    const link = executionLinkFor(VALID_ENVIRONMENT.REDLINE_STATE_MACHINE_ARN);

    expect(link('sparkify-2018-11-02-ab')).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/' +
        'arn:aws:states:eu-west-1:123456789012:execution:redline-sparkify:sparkify-2018-11-02-ab',
    );
  });
});
