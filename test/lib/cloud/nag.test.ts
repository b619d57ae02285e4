// GIVEN the redline app checked by cdk-nag's AWS Solutions pack (v3, a policy-validation plugin)
// WHEN synthesized THEN no error or warning is left unacknowledged, and every acknowledgement
// names one exact finding and says why.
import { describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RedlineStack } from '../../../lib/cloud/redline-stack.ts';
import { TEST_ENTRY } from './redline-app.ts';

function nagApp(sourceDatabaseSecretArn?: string): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new RedlineStack(app, 'redline-dev', {
    stage: 'dev',
    alertEmail: 'oncall@example.com',
    lambdaEntry: TEST_ENTRY,
    ...(sourceDatabaseSecretArn ? { sourceDatabaseSecretArn } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

/** Every acknowledgement recorded anywhere in the tree: rule id → reason. */
function acknowledgements(app: App): { id: string; reason: string; path: string }[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: c.node.path }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  const app = nagApp();

  it('GIVEN the nag plugin WHEN the app is synthesized THEN synthesis does not fail on findings', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('GIVEN the synthesized app WHEN the pack checks it THEN no error or warning is left unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const left = report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(left).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('GIVEN a source database secret (the extract in the VPC) WHEN the pack checks it THEN nothing is left unacknowledged either', () => {
    const withSecret = nagApp('arn:aws:secretsmanager:eu-west-1:123456789012:secret:redline/app-mysql-AbCdEf');
    const report = new AwsSolutionsChecks().validateScope(withSecret);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('GIVEN the acknowledgements WHEN listed THEN each names an exact AwsSolutions finding and gives a written reason', () => {
    // aws-cdk-lib records a few of its own for its built-in CloudFormation validator; those are not ours.
    const acks = acknowledgements(app).filter((a) => !a.id.startsWith('CloudFormation-Validate::'));
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      const id = ack.id.replace(/^annotation::/i, '');
      expect(id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      // Granular rules (IAM4/IAM5) must name the finding, never the whole rule.
      if (/^AwsSolutions-IAM[45]/.test(id)) expect(id, ack.path).toMatch(/\[(Action|Resource|Policy)::.+\]$/);
      expect(ack.reason.length, `${id} at ${ack.path}`).toBeGreaterThan(40);
    }
  });

  it('GIVEN an unacknowledged problem WHEN the pack checks it THEN it is reported (the check can fail)', () => {
    const probe = new App();
    new s3.Bucket(new Stack(probe, 'Probe'), 'Open');
    const rules = new AwsSolutionsChecks().validateScope(probe).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
