// No credential or secret value reaches a log, an alert or a record: everything a Lambda entry
// invocation writes (Powertools logger, stdout, stderr) while its event, its environment and the
// database secret it reads hold fake secrets, and everything a local run writes (terminal, alerts
// file, execution record, run audit, outcome) when its --mysql URL holds a password and the database
// cannot be reached.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPipelineLocally } from '../../lib/local/runner.ts';
import { VALID_ENVIRONMENT } from '../lambdas/aws/fixtures.ts';
import { landingFolder, queryWarehouse } from '../support/bad-input.ts';

type EntryModule = typeof import('../../lambdas/aws/entry.ts');

const DB_PASSWORD = 'db-pw-7Yq2!fake';
const EVENT_SECRET = 'event-secret-Zx81-fake';
const ACCESS_KEY_SECRET = 'aws-secret-Kd93-fake';
const SESSION_TOKEN = 'aws-session-token-Qp55-fake';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redline/app-mysql-AbCdEf';
/** Nothing listens on port 1, so connecting is refused at once. */
const UNREACHABLE_PORT = 1;

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'redline-user-activity-reports-extract',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:redline-user-activity-reports-extract',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/redline-user-activity-reports-extract',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** Everything written to stdout and stderr, and through console, until `stop()`. */
function captureOutput(): { text: () => string; stop: () => void } {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void keep(args.map(String).join(' '))),
    ),
  ];
  return { text: () => chunks.join(''), stop: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('security: no secrets in logs, alerts or records', () => {
  describe('an AWS Lambda entry invocation', () => {
    const s3 = mockClient(S3Client);
    const secrets = mockClient(SecretsManagerClient);
    const redshiftData = mockClient(RedshiftDataClient);
    let entry: EntryModule;

    beforeAll(async () => {
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
      // Test files share a module cache (isolate: false): load the module afresh so its logger sees this level.
      vi.resetModules();
      entry = await import('../../lambdas/aws/entry.ts');
    });

    beforeEach(() => {
      for (const [name, value] of Object.entries(VALID_ENVIRONMENT)) vi.stubEnv(name, value);
      vi.stubEnv('REDLINE_PIPELINE', 'user-activity-reports');
      vi.stubEnv('REDLINE_SOURCE_DB_SECRET_ARN', SECRET_ARN);
      vi.stubEnv('AWS_REGION', 'eu-west-1');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKEFAKEFAKE0000');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', ACCESS_KEY_SECRET);
      vi.stubEnv('AWS_SESSION_TOKEN', SESSION_TOKEN);
      secrets.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ host: '127.0.0.1', port: UNREACHABLE_PORT, username: 'app', password: DB_PASSWORD, dbname: 'app' }),
      });
      redshiftData.on(ExecuteStatementCommand).rejects(new Error('the warehouse is not reachable in this test'));
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'source/user.csv', Size: 10 }], IsTruncated: false });
      s3.on(PutObjectCommand).resolves({});
    });

    afterEach(() => {
      vi.unstubAllEnvs();
      s3.reset();
      secrets.reset();
      redshiftData.reset();
    });

    const event = { pipeline: 'user-activity-reports', runId: 'user-activity-reports-2026-11-20-ab', runDate: '2026-11-20' };

    it('logs the failure of an extract that read the database secret without its password, the event secret or the credentials', async () => {
      const output = captureOutput();
      const invocation = entry.extract({ ...event, watermarks: { activitylog: 0 }, password: EVENT_SECRET }, context).finally(output.stop);

      await expect(invocation).rejects.toThrow(/ECONNREFUSED/);

      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      expect(output.text()).toContain('task failed');
      for (const secret of [DB_PASSWORD, EVENT_SECRET, ACCESS_KEY_SECRET, SESSION_TOKEN]) expect(output.text()).not.toContain(secret);
    });

    it('logs a task that succeeded without the secret its event carried', async () => {
      const output = captureOutput();
      await entry.plan({ ...event, attempt: 0, password: EVENT_SECRET, credentials: { secretAccessKey: EVENT_SECRET } }, context).finally(output.stop);

      expect(output.text()).toContain('task finished');
      for (const secret of [EVENT_SECRET, ACCESS_KEY_SECRET, SESSION_TOKEN]) expect(output.text()).not.toContain(secret);
    });
  });

  describe('a local run with --mysql whose URL holds a password', () => {
    const PASSWORD = 's3cr3t';

    it('fails at Extract sources without the password in its error, alert, terminal output, records or audit', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'redline-security-state-'));
      const dataDir = await landingFolder({});
      const output = captureOutput();
      const outcome = await runPipelineLocally({
        pipeline: 'user-activity-reports',
        runDate: '2026-11-20T12:00:00Z',
        dataDir,
        stateDir,
        sourceDatabaseUrl: `mysql://root:${PASSWORD}@127.0.0.1:${UNREACHABLE_PORT}/test`,
      }).finally(output.stop);

      expect(outcome.status).toBe('FAILED');
      expect(outcome.failedStep).toBe('Extract sources');
      expect(output.text()).toContain('failed at Extract sources');
      const alerts = await readFile(join(stateDir, 'alerts.jsonl'), 'utf8');
      expect(alerts).toContain('Extract sources');
      const records = await Promise.all((await readdir(join(stateDir, 'executions'))).map((file) => readFile(join(stateDir, 'executions', file), 'utf8')));
      const audit = await queryWarehouse(stateDir, 'SELECT step, error FROM redline_runs');
      expect(audit).toContainEqual({ step: 'extract', error: expect.stringContaining('ECONNREFUSED') });
      for (const written of [JSON.stringify(outcome), output.text(), alerts, ...records, JSON.stringify(audit)]) expect(written).not.toContain(PASSWORD);
    });
  });
});
