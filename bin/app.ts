// The CDK app: one RedlineStack for the stage named by context (`-c stage=prod`, default 'dev'),
// checked by cdk-nag's AWS Solutions pack. Context: stage, alertEmail, baseRpu, lambdaEntry,
// sourceDatabaseSecretArn (the MySQL database user-activity-reports extracts from).
// The environment is the CLI's account and region when it has them; offline it stays agnostic.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RedlineStack } from '../lib/cloud/redline-stack.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const baseRpu: unknown = app.node.tryGetContext('baseRpu');
const alertEmail: unknown = app.node.tryGetContext('alertEmail');
const lambdaEntry: unknown = app.node.tryGetContext('lambdaEntry');
const sourceDatabaseSecretArn: unknown = app.node.tryGetContext('sourceDatabaseSecretArn');

new RedlineStack(app, `redline-${stage}`, {
  stage,
  alertEmail: alertEmail === undefined ? undefined : String(alertEmail),
  baseRpu: baseRpu === undefined ? undefined : Number(baseRpu),
  lambdaEntry: lambdaEntry === undefined ? undefined : String(lambdaEntry),
  sourceDatabaseSecretArn: sourceDatabaseSecretArn === undefined ? undefined : String(sourceDatabaseSecretArn),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `redline ${stage}: serverless data pipelines on Redshift Serverless`,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
