#!/usr/bin/env -S npx --no-install tsx
// The redline command line: run a pipeline locally through its state machine, generate
// sample data, backfill a date range, and `start` (what `npm start` runs: sample data if
// absent, then a backfill of the sample's days).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { RunOutcome } from '../lib/local/runner.ts';
import { startCollector } from '../lib/local/collector/server.ts';
import { EXIT_CODES, exitCodeOf } from '../lib/local/exit-codes.ts';
import { formatBackfill, formatOutcome, formatRows, formatRuns } from '../lib/local/outcome-format.ts';
import { PROJECT_ROOT } from '../lib/local/project-paths.ts';

// Each command loads the modules it needs when it runs: `redline serve` stays a small process
// (the collector's throughput depends on it, see bench/collector.bench.ts).
const runner = () => import('../lib/local/runner.ts');
const sparkifyGenerator = () => import('../lib/generators/sparkify.ts');
const userActivityGenerator = () => import('../lib/generators/user-activity.ts');
const assessmentsGenerator = () => import('../lib/generators/assessments.ts');
const savedQueries = () => import('../lib/pipelines/saved-queries.ts');
const loadgen = () => import('../lib/local/collector/loadgen.ts');
const runReport = () => import('../lib/local/run-report.ts');
const warehouseReads = () => import('../lib/local/warehouse-reads.ts');
const backfill = () => import('../lib/local/backfill.ts');

const DEFAULT_STATE_DIR = join(PROJECT_ROOT, '.redline');
const DEFAULT_SAMPLE_DIR = join(PROJECT_ROOT, 'sample-data', 'sparkify');
const DEFAULT_SAMPLE_EVENTS = 20_000;
/** The days the generated sample covers (the generator's defaults). */
const SAMPLE_DAYS = { from: '2018-11-01', to: '2018-11-30' };

const program = new Command('redline')
  .description('Serverless data pipelines on AWS that also run on your laptop.')
  .showHelpAfterError();

program
  .command('run')
  .description('run a pipeline locally through its state machine, on the embedded warehouse')
  .argument('<pipeline>', 'pipeline name, e.g. sparkify')
  .option('--date <YYYY-MM-DD|ISO>', 'run date, or the run time as a UTC timestamp (default: now)', parseRunDate, now())
  .option('--data <dir>', 'folder standing for the landing bucket', DEFAULT_SAMPLE_DIR)
  .option('--state <dir>', 'folder for the local warehouse, work bucket and alerts', DEFAULT_STATE_DIR)
  .option('--resume <run-id>', 'continue a failed run from the step that failed (as Step Functions redrive does)')
  .option('--mysql <url>', 'the MySQL/MariaDB database a pipeline with an extract reads, e.g. mysql://root@127.0.0.1:3306/test')
  .option('--json', 'print one JSON object with the outcome')
  .addHelpText(
    'after',
    '\nExamples:\n  $ redline run sparkify --date 2018-11-05 --data ../shared/data/sparkify --json\n  $ redline run sparkify --resume sparkify-2018-11-05-1a2b3c4d\n',
  )
  .action(async (pipeline: string, options: { date: string; data: string; state: string; resume?: string; mysql?: string; json?: boolean }) => {
    if (!existsSync(options.data)) fail(`no data at ${options.data}; try: redline generate sparkify --events 20000 --out ${options.data}`);
    const where = { dataDir: options.data, stateDir: options.state, ...(options.mysql ? { sourceDatabaseUrl: options.mysql } : {}) };
    const outcome = options.resume
      ? await (await runner()).resumePipelineLocally({ ...where, runId: options.resume })
      : await (await runner()).runPipelineLocally({ ...where, pipeline, runDate: options.date });
    const answers = outcome.status === 'SUCCEEDED' ? await (await warehouseReads()).savedAnswers(join(options.state, 'warehouse.duckdb'), queryFolder(outcome.pipeline)) : {};
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...outcome, answers })}\n`);
      process.exitCode = exitCodeOf(outcome.error);
      return;
    }
    report(outcome, false);
    for (const [name, rows] of Object.entries(answers)) process.stdout.write(`\n${name}\n${formatRows(rows)}`);
    process.stdout.write(`\nreport: ${(await (await runReport()).writeRunReport(options.state, outcome.runId)).file}\n`);
  });

program
  .command('backfill')
  .description('run a pipeline locally for every date of a range, up to --concurrency dates at once')
  .argument('<pipeline>', 'pipeline name, e.g. sparkify')
  .requiredOption('--from <YYYY-MM-DD>', 'first run date', parseDate)
  .requiredOption('--to <YYYY-MM-DD>', 'last run date (included)', parseDate)
  .option('--data <dir>', 'folder standing for the landing bucket', DEFAULT_SAMPLE_DIR)
  .option('--state <dir>', 'folder for the local warehouse, work bucket and alerts', DEFAULT_STATE_DIR)
  .option('--concurrency <n>', 'dates run at once', parseCount, 1)
  .option('--json', 'print one JSON object per date, one per line')
  .addHelpText('after', '\nExamples:\n  $ redline backfill sparkify --from 2018-11-01 --to 2018-11-30\n  $ redline backfill sparkify --from 2018-11-01 --to 2018-11-30 --concurrency 4\n')
  .action(async (pipeline: string, options: { from: string; to: string; data: string; state: string; concurrency: number; json?: boolean }) => {
    if (!existsSync(options.data)) fail(`no data at ${options.data}`);
    const outcomes = await (await backfill()).backfillLocally({
      pipeline,
      from: options.from,
      to: options.to,
      dataDir: options.data,
      stateDir: options.state,
      concurrency: options.concurrency,
      onRun: (outcome) =>
        options.json
          ? process.stdout.write(`${JSON.stringify(outcome)}\n`)
          : process.stderr.write(`  ${outcome.runDate}  ${outcome.status.toLowerCase()}  ${outcome.durationMs} ms\n`),
    });
    if (!options.json) process.stdout.write(formatBackfill(outcomes));
    process.exitCode = Math.max(...outcomes.map((o) => exitCodeOf(o.error)));
  });

program
  .command('runs')
  .description('list the most recent steps of local runs, newest first, from the run audit')
  .option('--state <dir>', 'folder of the local warehouse', DEFAULT_STATE_DIR)
  .option('--limit <n>', 'rows to show', parseCount, 20)
  .option('--json', 'print the rows as one JSON array')
  .action(async (options: { state: string; limit: number; json?: boolean }) => {
    const rows = await (await warehouseReads()).recentRuns(join(options.state, 'warehouse.duckdb'), options.limit);
    process.stdout.write(options.json ? `${JSON.stringify(rows)}\n` : formatRuns(rows));
  });

const generate = program.command('generate').description('write deterministic sample data shaped like the real data');

generate
  .command('sparkify')
  .description('song files and a month of event logs (song_data/ and log_data/)')
  .requiredOption('--out <dir>', 'folder to write')
  .option('--events <n>', 'number of events', parseCount, DEFAULT_SAMPLE_EVENTS)
  .option('--seed <n>', 'random seed', parseCount, 1)
  .addHelpText('after', '\nExamples:\n  $ redline generate sparkify --events 1000000 --out /tmp/sparkify\n')
  .action(async (options: { out: string; events: number; seed: number }) => {
    const summary = await (await sparkifyGenerator()).generateSparkifySample({ outDir: options.out, events: options.events, seed: options.seed });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });

generate
  .command('user-activity')
  .description('one round of changes to the user and activitylog tables, and one upload dump')
  .requiredOption('--out <dir>', 'folder to write (source/ snapshots unless --mysql, and uploads/)')
  .option('--users <n>', 'users inserted', parseCount, 10)
  .option('--renames <n>', 'users renamed', parseCount, 2)
  .option('--deletes <n>', 'users deleted first (their activity stays, user_id NULL)', parseCount, 2)
  .option('--events <n>', 'activity rows inserted', parseCount, 50)
  .option('--uploads <n>', 'rows of the upload dump', parseCount, 50)
  .option('--seed <n>', 'random seed', parseCount, 1)
  .option('--clock <ISO>', "the round's 'now' (default: now)", parseTimestamp)
  .option('--mysql <url>', 'apply the round to MySQL/MariaDB tables instead of CSV snapshots, e.g. mysql://root@127.0.0.1:3306/test')
  .addHelpText(
    'after',
    '\nExamples:\n  $ redline generate user-activity --out /tmp/ua\n  $ redline generate user-activity --out /tmp/ua --mysql mysql://root@127.0.0.1:3306/test --clock 2026-11-23T12:00:00Z\n',
  )
  .action(async (options: UserActivityCliOptions) => {
    const summary = await (await userActivityGenerator()).generateUserActivityRound({
      outDir: options.out,
      users: options.users,
      renames: options.renames,
      deletes: options.deletes,
      events: options.events,
      uploads: options.uploads,
      seed: options.seed,
      ...(options.clock ? { clock: new Date(options.clock) } : {}),
      ...(options.mysql ? { mysqlUrl: options.mysql } : {}),
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });

generate
  .command('assessments')
  .description('nested assessment attempts in the real file\'s shape and quirks (assessments/)')
  .requiredOption('--out <dir>', 'folder to write')
  .option('--attempts <n>', 'number of attempts', parseCount, 3_280)
  .option('--seed <n>', 'random seed', parseCount, 1)
  .addHelpText('after', '\nExamples:\n  $ redline generate assessments --attempts 100000 --out /tmp/assessments\n')
  .action(async (options: { out: string; attempts: number; seed: number }) => {
    const summary = await (await assessmentsGenerator()).generateAssessments({ outDir: options.out, attempts: options.attempts, seed: options.seed });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });

program
  .command('query')
  .description("run one of a pipeline's saved queries on the local warehouse (without NAME: list them)")
  .argument('<pipeline>', 'pipeline name, e.g. assessments')
  .argument('[name]', 'saved query name')
  .option('--state <dir>', 'folder of the local warehouse', DEFAULT_STATE_DIR)
  .option('--json', 'print the rows as one JSON array')
  .addHelpText('after', '\nExamples:\n  $ redline query assessments\n  $ redline query assessments most_common_exams --json\n')
  .action(async (pipeline: string, name: string | undefined, options: { state: string; json?: boolean }) => {
    const folder = queryFolder(pipeline);
    if (!name) {
      const queries = await (await savedQueries()).listSavedQueries(folder);
      process.stdout.write(queries.map((q) => `${q.name.padEnd(30)}  ${q.description}\n`).join('') || `no saved queries for ${pipeline}\n`);
      return;
    }
    const rows = await (await warehouseReads()).runSavedQuery(join(options.state, 'warehouse.duckdb'), await (await savedQueries()).savedQuerySql(folder, name));
    process.stdout.write(options.json ? `${JSON.stringify(rows)}\n` : formatRows(rows));
  });

program
  .command('report')
  .description("write a run's HTML report (row counts, reconciliation, checks, step durations, charts) and the index of reports")
  .argument('[pipeline]', 'pipeline whose latest run to report', 'sparkify')
  .option('--run <run-id>', 'the run to report (default: the latest run of the pipeline)')
  .option('--state <dir>', 'folder of the local warehouse', DEFAULT_STATE_DIR)
  .addHelpText('after', '\nExamples:\n  $ redline report sparkify\n  $ redline report --run sparkify-2018-11-30-1a2b3c4d\n')
  .action(async (pipeline: string, options: { run?: string; state: string }) => {
    const runId = options.run ?? (await (await runReport()).latestRunOf(options.state, pipeline));
    const { file, index } = await (await runReport()).writeRunReport(options.state, runId);
    process.stdout.write(`report: ${file}\nindex:  ${index}\n`);
  });

program
  .command('serve')
  .description("the game events collector: one route per event type, landing events the way Firehose does")
  .option('--port <n>', 'port to listen on', parseCount, 8080)
  .option('--data <dir>', 'folder standing for the landing bucket', join(PROJECT_ROOT, 'sample-data', 'game-events'))
  .option('--buffer-seconds <n>', 'flush a buffered event type after this many seconds', parseCount, 60)
  .addHelpText('after', '\nExamples:\n  $ redline serve --port 8080 --data /tmp/game\n  $ curl -X POST localhost:8080/join_a_guild -H content-type:application/json -d \'{"guild_id":1,"guild_name":"x"}\'\n')
  .action(async (options: { port: number; data: string; bufferSeconds: number }) => {
    const collector = await startCollector({ port: options.port, dataDir: options.data, bufferSeconds: options.bufferSeconds });
    process.stdout.write(`collecting game events at ${collector.url}, landing under ${options.data}/events/ (Ctrl-C flushes and stops)\n`);
    const stop = async () => {
      await collector.close();
      const stats = collector.stats();
      process.stdout.write(`flushed: ${stats.flushedRecords} events in ${stats.flushedObjects} files\n`);
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });

program
  .command('loadgen')
  .description('send a mix of game events from several hosts to a collector, like the seed\'s ab loop')
  .option('--url <url>', 'collector URL', 'http://127.0.0.1:8080')
  .option('--rate <n>', 'requests per second', parseCount, 50)
  .option('--duration <s>', 'seconds to send for', parseCount, 10)
  .option('--hosts <list>', 'comma-separated Host headers', (v: string) => v.split(',').filter(Boolean))
  .option('--seed <n>', 'random seed', parseCount, 1)
  .option('--json', 'print the counts as JSON')
  .addHelpText('after', '\nExamples:\n  $ redline loadgen --rate 100 --duration 30 --hosts user1.comcast.com,user2.att.com\n')
  .action(async (options: { url: string; rate: number; duration: number; hosts?: string[]; seed: number; json?: boolean }) => {
    const result = await (await loadgen()).runLoad({
      url: options.url,
      rate: options.rate,
      durationSeconds: options.duration,
      seed: options.seed,
      ...(options.hosts ? { hosts: options.hosts } : {}),
    });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(result)}\n`
        : `sent ${result.sent}, accepted ${result.accepted}, rejected ${result.rejected}, failed ${result.failed}\n` +
            'landed: after the collector flushes, `redline run game-events --data DIR` shows the rows loaded per event type\n',
    );
    if (result.failed > 0) process.exitCode = EXIT_CODES.infrastructure;
  });

interface UserActivityCliOptions {
  out: string;
  users: number;
  renames: number;
  deletes: number;
  events: number;
  uploads: number;
  seed: number;
  clock?: string;
  mysql?: string;
}

program
  .command('start')
  .description("generate the sparkify sample if absent, run the pipeline for each of the sample's days, print what it built")
  .action(async () => {
    if (!existsSync(DEFAULT_SAMPLE_DIR)) {
      process.stdout.write(`Generating ${DEFAULT_SAMPLE_EVENTS.toLocaleString('en-US')} sample events in ${DEFAULT_SAMPLE_DIR}\n`);
      await (await sparkifyGenerator()).generateSparkifySample({ outDir: DEFAULT_SAMPLE_DIR, events: DEFAULT_SAMPLE_EVENTS });
    }
    const started = Date.now();
    const outcomes = await (await backfill()).backfillLocally({
      pipeline: 'sparkify',
      ...SAMPLE_DAYS,
      dataDir: DEFAULT_SAMPLE_DIR,
      stateDir: DEFAULT_STATE_DIR,
      onRun: (o) => process.stdout.write(`  ${o.runDate}  ${o.status.toLowerCase()}  ${o.durationMs} ms\n`),
    });
    const last = outcomes.at(-1)!;
    const span = `${SAMPLE_DAYS.from}..${SAMPLE_DAYS.to} (${outcomes.length} daily runs)`;
    report({ ...last, runId: span, durationMs: Date.now() - started }, false);
    const { file } = await (await runReport()).writeRunReport(DEFAULT_STATE_DIR, last.runId);
    process.stdout.write(`report of the last run: ${file}\n`);
    process.exitCode = Math.max(...outcomes.map((o) => exitCodeOf(o.error)));
  });

function report(outcome: RunOutcome, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(outcome)}\n` : formatOutcome(outcome));
  process.exitCode = exitCodeOf(outcome.error);
}

/** The sql/ folder of a pipeline's saved queries: user-activity-reports → user_activity. */
function queryFolder(pipeline: string): string {
  return pipeline.replace(/-(init|reports)$/, '').replaceAll('-', '_');
}

/** Now, as the scheduler passes it: a UTC timestamp to the second. */
function now(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

function parseRunDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseDate(value) : parseTimestamp(value);
}

function parseTimestamp(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected a UTC timestamp like 2026-11-23T12:00:00Z');
  }
  return value;
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected YYYY-MM-DD');
  return value;
}

function parseCount(value: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function fail(message: string): never {
  process.stderr.write(`redline: ${message}\n`);
  process.exit(EXIT_CODES.usage);
}

try {
  await program.parseAsync();
} catch (error) {
  const { name, message } = error as Error;
  process.stderr.write(`redline: ${name === 'InvalidInput' ? '' : `${name}: `}${message}\n`);
  process.exitCode = exitCodeOf({ name });
}
