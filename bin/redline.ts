#!/usr/bin/env -S npx --no-install tsx
// The redline command line: run a pipeline locally through its state machine, generate
// sample data, and `start` (what `npm start` runs: sample data if absent, then a run).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runPipelineLocally, type RunOutcome } from '../lib/local/runner.ts';
import { generateSparkifySample } from '../lib/generators/sparkify.ts';
import { formatOutcome } from '../lib/local/outcome-format.ts';
import { PROJECT_ROOT } from '../lib/local/project-paths.ts';

const DEFAULT_STATE_DIR = join(PROJECT_ROOT, '.redline');
const DEFAULT_SAMPLE_DIR = join(PROJECT_ROOT, 'sample-data', 'sparkify');
const DEFAULT_SAMPLE_EVENTS = 20_000;

const program = new Command('redline')
  .description('Serverless data pipelines on AWS that also run on your laptop.')
  .showHelpAfterError();

program
  .command('run')
  .description('run a pipeline locally through its state machine, on the embedded warehouse')
  .argument('<pipeline>', 'pipeline name, e.g. sparkify')
  .option('--date <YYYY-MM-DD>', 'run date', parseDate, today())
  .option('--data <dir>', 'folder standing for the landing bucket', DEFAULT_SAMPLE_DIR)
  .option('--state <dir>', 'folder for the local warehouse, work bucket and alerts', DEFAULT_STATE_DIR)
  .option('--json', 'print one JSON object with the outcome')
  .addHelpText('after', '\nExamples:\n  $ redline run sparkify --data ../shared/data/sparkify --json\n')
  .action(async (pipeline: string, options: { date: string; data: string; state: string; json?: boolean }) => {
    if (!existsSync(options.data)) fail(`no data at ${options.data}; try: redline generate sparkify --events 20000 --out ${options.data}`);
    const outcome = await runPipelineLocally({ pipeline, runDate: options.date, dataDir: options.data, stateDir: options.state });
    report(outcome, options.json === true);
  });

program
  .command('generate')
  .description('write deterministic sample data shaped like the real data')
  .argument('<pipeline>', 'sparkify')
  .requiredOption('--out <dir>', 'folder to write (song_data/ and log_data/)')
  .option('--events <n>', 'number of events', parseCount, DEFAULT_SAMPLE_EVENTS)
  .option('--seed <n>', 'random seed', parseCount, 1)
  .addHelpText('after', '\nExamples:\n  $ redline generate sparkify --events 1000000 --out /tmp/sparkify\n')
  .action(async (pipeline: string, options: { out: string; events: number; seed: number }) => {
    if (pipeline !== 'sparkify') fail(`no generator for pipeline '${pipeline}'`);
    const summary = await generateSparkifySample({ outDir: options.out, events: options.events, seed: options.seed });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });

program
  .command('start')
  .description('generate the sparkify sample if absent, run the pipeline and print what it built')
  .action(async () => {
    if (!existsSync(DEFAULT_SAMPLE_DIR)) {
      process.stdout.write(`Generating ${DEFAULT_SAMPLE_EVENTS.toLocaleString('en-US')} sample events in ${DEFAULT_SAMPLE_DIR}\n`);
      await generateSparkifySample({ outDir: DEFAULT_SAMPLE_DIR, events: DEFAULT_SAMPLE_EVENTS });
    }
    const outcome = await runPipelineLocally({
      pipeline: 'sparkify',
      runDate: today(),
      dataDir: DEFAULT_SAMPLE_DIR,
      stateDir: DEFAULT_STATE_DIR,
    });
    report(outcome, false);
  });

function report(outcome: RunOutcome, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(outcome)}\n` : formatOutcome(outcome));
  process.exitCode = outcome.status === 'SUCCEEDED' ? 0 : 1;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
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
  process.exit(2);
}

await program.parseAsync();
