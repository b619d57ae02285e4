// Shared test data of the AWS adapter tests: a complete, valid Lambda environment.

/** Every variable the redline Lambdas read, with plausible values. */
export const VALID_ENVIRONMENT = {
  REDLINE_PIPELINE: 'sparkify',
  REDLINE_WORKGROUP: 'redline',
  REDLINE_DATABASE: 'dev',
  REDLINE_LANDING_BUCKET: 'redline-landing',
  REDLINE_WORK_BUCKET: 'redline-work',
  REDLINE_COPY_ROLE_ARN: 'arn:aws:iam::123456789012:role/redline-copy',
  REDLINE_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:redline-alerts',
  REDLINE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:redline-sparkify',
};
