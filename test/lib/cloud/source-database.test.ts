// GIVEN the source database secret of user-activity-reports' MySQL extract WHEN synthesized THEN
// only that extract function runs in the warehouse VPC, reads only that secret and writes only
// its extracts; without a secret, it is an ordinary function with no secret.
import { describe, expect, it } from 'vitest';
import { logicalId, objectsOf, statementsOfRole, synthRedline } from './redline-app.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redline/app-mysql-AbCdEf';

function extractOf(props: Parameters<typeof synthRedline>[0] = {}) {
  const synthesized = synthRedline(props);
  const pipeline = synthesized.stack.pipelines.find((p) => p.spec.name === 'user-activity-reports');
  const extract = pipeline?.functions.extract;
  if (!extract?.role) throw new Error('user-activity-reports has no extract function');
  const resources = synthesized.template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
  return { ...synthesized, extract, properties: resources[logicalId(extract)]!.Properties };
}

describe('source database of the MySQL extract', () => {
  it('GIVEN a secret WHEN synthesized THEN the extract runs in the isolated subnets with the secret ARN, reading only that secret', () => {
    const { stack, template, extract, properties } = extractOf({ sourceDatabaseSecretArn: SECRET_ARN });

    expect(properties.VpcConfig).toMatchObject({ SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) });
    expect((properties.Environment as { Variables: Record<string, unknown> }).Variables.REDLINE_SOURCE_DB_SECRET_ARN).toBe(SECRET_ARN);
    const statements = statementsOfRole(template, logicalId(extract.role!));
    expect(statements).toContainEqual({
      Sid: 'WriteExtracts',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: [objectsOf(logicalId(stack.buckets.landing), 'source/user.csv'), objectsOf(logicalId(stack.buckets.landing), 'source/activitylog.csv')],
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN });
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(endpoints.map((e) => JSON.stringify(e.Properties.ServiceName))).toEqual([expect.stringContaining('secretsmanager')]);
    const sparkify = stack.pipelines.find((p) => p.spec.name === 'sparkify')!;
    expect(sparkify.functions.extract).toBeUndefined();
  });

  it('GIVEN no secret WHEN synthesized THEN the extract is outside any VPC, with no secret to read and no endpoint', () => {
    const { template, extract, properties } = extractOf();

    expect(properties.VpcConfig).toBeUndefined();
    expect((properties.Environment as { Variables: Record<string, unknown> }).Variables.REDLINE_SOURCE_DB_SECRET_ARN).toBeUndefined();
    const actions = (statementsOfRole(template, logicalId(extract.role!)) as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat());
    expect(actions.some((a) => String(a).startsWith('secretsmanager:'))).toBe(false);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
  });
});
