// The deployment's settings, read from the Lambda environment and checked with zod, and the
// HandlerDeps built from them: Redshift Data API warehouse, S3 store, SNS notifier, bundled SQL.
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import type { HandlerDeps } from '../core/deps.ts';
import { RedlineError } from '../core/errors.ts';
import { RedshiftDataWarehouse } from './redshift-data-warehouse.ts';
import { S3ObjectStore } from './s3-object-store.ts';
import { SnsNotifier } from './sns-notifier.ts';
import { SqlBundle } from './sql-bundle.ts';
import { MysqlSource } from '../mysql/mysql-source.ts';
import type { SourceDatabase } from '../core/ports.ts';

/** partition, region, account, state machine name */
const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;

const arnOf = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`);

const environmentSchema = z.object({
  /** The pipeline (spec name) this deployment's functions serve. */
  REDLINE_PIPELINE: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a pipeline name'),
  /** Redshift Serverless workgroup the Data API talks to (IAM auth). */
  REDLINE_WORKGROUP: z.string().min(1),
  REDLINE_DATABASE: z.string().min(1),
  REDLINE_LANDING_BUCKET: z.string().min(1),
  REDLINE_WORK_BUCKET: z.string().min(1),
  /** The role Redshift assumes for COPY. */
  REDLINE_COPY_ROLE_ARN: arnOf('iam'),
  REDLINE_ALERT_TOPIC_ARN: arnOf('sns'),
  /** The pipeline's state machine, for links to an execution in alerts. */
  REDLINE_STATE_MACHINE_ARN: z.string().regex(STATE_MACHINE_ARN, 'must be a Step Functions state machine ARN'),
  /** The secret (RDS format: host, port, username, password, dbname) of the database to extract from, if any. */
  REDLINE_SOURCE_DB_SECRET_ARN: arnOf('secretsmanager').optional(),
});

export type RedlineEnvironment = z.infer<typeof environmentSchema>;

/** The variables every redline Lambda needs. */
export const REQUIRED_VARIABLES = (Object.keys(environmentSchema.shape) as (keyof RedlineEnvironment)[]).filter(
  (name) => name !== 'REDLINE_SOURCE_DB_SECRET_ARN',
);

/** The Lambda's environment lacks or garbles a setting; nothing can run until the deployment is fixed. */
export class InvalidEnvironment extends RedlineError {
  override readonly name = 'InvalidEnvironment';
}

/**
 * The deployment's settings from `env`.
 * @throws InvalidEnvironment naming every missing variable, or else every malformed one
 */
export function readEnvironment(env: NodeJS.ProcessEnv): RedlineEnvironment {
  const missing = REQUIRED_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) throw new InvalidEnvironment(`missing environment variable(s): ${missing.join(', ')}`);
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new InvalidEnvironment(`invalid environment variable(s): ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Builds the console link of an execution of `stateMachineArn` from the execution's name. */
export function executionLinkFor(stateMachineArn: string): (executionName: string) => string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) throw new InvalidEnvironment(`not a state machine ARN: ${stateMachineArn}`);
  const [, partition, region, account, machine] = match;
  return (executionName) => {
    const executionArn = `arn:${partition}:states:${region}:${account}:execution:${machine}:${executionName}`;
    return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
  };
}

export interface AwsClients {
  redshiftData: RedshiftDataClient;
  s3: S3Client;
  sns: SNSClient;
  /** Reads an execution's history for the failure alert. */
  sfn: SFNClient;
  /** Reads the source database's credentials. */
  secrets: SecretsManagerClient;
}

export interface AwsDepsOptions {
  /** @default new clients, configured by the Lambda environment (region, credentials) */
  clients?: AwsClients;
  /** Time the current invocation may still run; statements are cancelled before it runs out. */
  remainingTimeMs?: () => number;
}

/** Everything the handlers need, talking to the AWS services named by `environment`. */
export function createAwsDeps(environment: RedlineEnvironment, options: AwsDepsOptions = {}): HandlerDeps {
  const clients = options.clients ?? defaultClients();
  return {
    warehouse: new RedshiftDataWarehouse({
      client: clients.redshiftData,
      workgroupName: environment.REDLINE_WORKGROUP,
      database: environment.REDLINE_DATABASE,
      remainingTimeMs: options.remainingTimeMs,
    }),
    store: new S3ObjectStore({ client: clients.s3 }),
    notifier: new SnsNotifier({ client: clients.sns, topicArn: environment.REDLINE_ALERT_TOPIC_ARN }),
    sql: new SqlBundle(),
    ...(environment.REDLINE_SOURCE_DB_SECRET_ARN
      ? { sourceDatabase: () => connectWithSecret(clients.secrets, environment.REDLINE_SOURCE_DB_SECRET_ARN!) }
      : {}),
    settings: {
      landingBucket: environment.REDLINE_LANDING_BUCKET,
      workBucket: environment.REDLINE_WORK_BUCKET,
      copyRoleArn: environment.REDLINE_COPY_ROLE_ARN,
      executionLink: executionLinkFor(environment.REDLINE_STATE_MACHINE_ARN),
    },
  };
}

/** Clients configured by the Lambda environment (region, credentials). */
export function defaultClients(): AwsClients {
  return {
    redshiftData: new RedshiftDataClient({}),
    s3: new S3Client({}),
    sns: new SNSClient({}),
    sfn: new SFNClient({}),
    secrets: new SecretsManagerClient({}),
  };
}

/** The fields of an RDS-format database secret redline needs. */
const databaseSecret = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().positive().optional(),
  username: z.string().min(1),
  password: z.string(),
  dbname: z.string().min(1),
});

/** Connects to the source database with the credentials of the secret (never logged). */
async function connectWithSecret(client: SecretsManagerClient, secretArn: string): Promise<SourceDatabase> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const parsed = databaseSecret.safeParse(JSON.parse(secret.SecretString ?? '{}'));
  if (!parsed.success) throw new InvalidEnvironment(`the source database secret lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return MysqlSource.connect(parsed.data);
}
