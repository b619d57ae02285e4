// IAM and data-at-rest review of the synthesized RedlineStack, with and without the source database
// secret: no Allow statement grants every action of a service; Resource "*" appears only for the
// actions listed below, which support no resource-level permission, each with its reason; only the
// AWS managed policies listed are attached; every bucket denies plain HTTP, blocks public access and
// is encrypted; the Redshift workgroup is not publicly accessible.
import { describe, expect, it } from 'vitest';
import { synthRedline } from '../lib/cloud/redline-app.ts';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redline/app-mysql-AbCdEf';

const STEP_FUNCTIONS_LOGGING =
  'Step Functions vended-log delivery to CloudWatch Logs: the log-delivery API has no resource-level permissions, AWS documents these with Resource "*"';
const XRAY = 'X-Ray trace and sampling calls of state machine tracing support no resource-level permissions';
const DATA_API_STATEMENTS =
  'Redshift Data API statement calls are addressed by statement id and support no resource-level permissions; a principal only sees its own statements';

/** Actions an identity policy may allow on Resource "*", each with the reason. */
const RESOURCE_STAR_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': XRAY,
  'xray:PutTelemetryRecords': XRAY,
  'xray:GetSamplingRules': XRAY,
  'xray:GetSamplingTargets': XRAY,
  'logs:CreateLogDelivery': STEP_FUNCTIONS_LOGGING,
  'logs:GetLogDelivery': STEP_FUNCTIONS_LOGGING,
  'logs:UpdateLogDelivery': STEP_FUNCTIONS_LOGGING,
  'logs:DeleteLogDelivery': STEP_FUNCTIONS_LOGGING,
  'logs:ListLogDeliveries': STEP_FUNCTIONS_LOGGING,
  'logs:PutResourcePolicy': STEP_FUNCTIONS_LOGGING,
  'logs:DescribeResourcePolicies': STEP_FUNCTIONS_LOGGING,
  'logs:DescribeLogGroups': STEP_FUNCTIONS_LOGGING,
  'redshift-data:DescribeStatement': DATA_API_STATEMENTS,
  'redshift-data:GetStatementResult': DATA_API_STATEMENTS,
  'redshift-data:CancelStatement': DATA_API_STATEMENTS,
  'redshift-serverless:DeleteUsageLimit':
    'addressed by usage-limit id, which does not exist until CreateUsageLimit returns it; only the usage-limit custom resource holds it',
};

/** AWS managed policies a role may attach, each with the reason. */
const MANAGED_POLICIES: Readonly<Record<string, string>> = {
  AWSLambdaBasicExecutionRole: "CDK's own handler functions (BucketDeployment, AwsCustomResource) write their CloudWatch logs",
  AWSLambdaVPCAccessExecutionRole: "the MySQL extract runs in the warehouse VPC and must manage its network interfaces",
};

/** Wildcard actions a KMS key policy may allow (its Resource "*" is the key itself), each with the reason. */
const KEY_POLICY_WILDCARDS: Readonly<Record<string, string>> = {
  'kms:*': "the default key policy's grant to the account root, so that the account's IAM policies govern the key",
};

const actionsOf = (statement: Statement): string[] => [statement.Action ?? []].flat();
const resourcesOf = (statement: Statement): unknown[] => [statement.Resource ?? []].flat();
const isWildcard = (action: string) => action === '*' || /^[a-z0-9-]+:\*$/.test(action);

/** The stack's resources, and every statement of every policy document, by kind. */
function review(props: Parameters<typeof synthRedline>[0]) {
  const resources = Object.values(synthRedline(props).template.toJSON().Resources as Record<string, Resource>);
  const documents = (type: string, read: (p: Record<string, unknown>) => unknown[]) =>
    resources.filter((r) => r.Type === type).flatMap((r) => read(r.Properties)) as { Statement: Statement[] }[];
  const identity = [
    ...documents('AWS::IAM::Policy', (p) => [p.PolicyDocument]),
    ...documents('AWS::IAM::ManagedPolicy', (p) => [p.PolicyDocument]),
    ...documents('AWS::IAM::Role', (p) => ((p.Policies ?? []) as { PolicyDocument: unknown }[]).map((inline) => inline.PolicyDocument)),
  ].flatMap((d) => d.Statement);
  const keyPolicies = documents('AWS::KMS::Key', (p) => [p.KeyPolicy]).flatMap((d) => d.Statement);
  const otherResourcePolicies = resources
    .filter((r) => r.Type !== 'AWS::KMS::Key' && !r.Type.startsWith('AWS::IAM::') && r.Properties.PolicyDocument !== undefined)
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return { resources, identity, keyPolicies, otherResourcePolicies };
}

describe.each([
  ['without a source database', {}],
  ['with sourceDatabaseSecretArn', { sourceDatabaseSecretArn: SECRET_ARN }],
])('security: IAM and storage of the synthesized RedlineStack %s', (_variant, props) => {
  let reviewed: ReturnType<typeof review> | undefined;
  const stack = () => (reviewed ??= review(props));

  it('grants no Action "*" or "service:*", and no NotAction, in any Allow of a policy, but the listed key-policy grants', () => {
    const { identity, otherResourcePolicies, keyPolicies } = stack();
    const allows = [...identity, ...otherResourcePolicies].filter((s) => s.Effect === 'Allow');

    expect(allows.length).toBeGreaterThan(0);
    expect(allows.filter((s) => s.NotAction !== undefined)).toEqual([]);
    expect(allows.flatMap(actionsOf).filter(isWildcard)).toEqual([]);
    expect([...new Set(keyPolicies.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).filter(isWildcard))]).toEqual(Object.keys(KEY_POLICY_WILDCARDS));
  });

  it('allows Resource "*" in identity policies only for the listed actions, and each listed action is still needed', () => {
    const starred = new Set(stack().identity.filter((s) => s.Effect === 'Allow' && resourcesOf(s).includes('*')).flatMap(actionsOf));

    expect([...starred].filter((action) => !(action in RESOURCE_STAR_ACTIONS))).toEqual([]);
    expect(Object.keys(RESOURCE_STAR_ACTIONS).filter((action) => !starred.has(action))).toEqual([]);
  });

  it('lets key policies allow only kms actions', () => {
    const actions = stack().keyPolicies.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);

    expect(actions.filter((action) => !action.startsWith('kms:'))).toEqual([]);
  });

  it('attaches only the listed AWS managed policies to roles', () => {
    const attached = stack()
      .resources.filter((r) => r.Type === 'AWS::IAM::Role')
      .flatMap((r) => (r.Properties.ManagedPolicyArns ?? []) as unknown[])
      .map((arn) => /:iam::aws:policy\/(?:service-role\/)?([A-Za-z0-9-]+)/.exec(JSON.stringify(arn))?.[1] ?? JSON.stringify(arn));

    expect(attached.length).toBeGreaterThan(0);
    expect(attached.filter((name) => !(name in MANAGED_POLICIES))).toEqual([]);
  });

  it('gives every bucket a policy denying any request that is not over TLS', () => {
    const { resources } = stack();
    const buckets = resources.filter((r) => r.Type === 'AWS::S3::Bucket');
    const policies = resources.filter((r) => r.Type === 'AWS::S3::BucketPolicy');

    expect(buckets.length).toBeGreaterThan(0);
    expect(policies).toHaveLength(buckets.length);
    for (const policy of policies) {
      expect((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('blocks all public access to every bucket and encrypts it', () => {
    for (const bucket of stack().resources.filter((r) => r.Type === 'AWS::S3::Bucket')) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms)$/) } }],
      });
    }
  });

  it('keeps the Redshift workgroup from being publicly accessible', () => {
    const workgroups = stack().resources.filter((r) => r.Type === 'AWS::RedshiftServerless::Workgroup');

    expect(workgroups).toHaveLength(1);
    expect(workgroups[0]!.Properties.PubliclyAccessible).toBe(false);
  });
});
