// npm run bench: the whole local sparkify pipeline on 1,000,000 generated events (30 daily runs,
// as the schedule would load them), beside (a) DuckDB reading the same event files bare and
// (b) PostgreSQL's \copy of the same events as CSV into a bare table (when a server answers on
// 127.0.0.1:5432). Also the day-30 run with 29 days loaded over the day-1 run on an empty
// warehouse: a run's cost should follow its new data, not the history. Prints ratios.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateSparkifySample } from '../lib/generators/sparkify.ts';
import { backfillLocally } from '../lib/local/backfill.ts';
import { ConsoleNotifier } from '../lib/local/console-notifier.ts';

const EVENTS = Number(process.env.REDLINE_BENCH_EVENTS ?? 1_000_000);
const work = join(tmpdir(), `redline-bench-${EVENTS}`);
const dataDir = join(work, 'data');
const csvFile = join(work, 'events.csv');

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function generate(): Promise<void> {
  if (existsSync(join(dataDir, 'log_data'))) return;
  const [summary, ms] = await timed(() => generateSparkifySample({ outDir: dataDir, events: EVENTS }));
  console.log(`generated ${summary.events.toLocaleString('en-US')} events (${(summary.bytes / 1e6).toFixed(0)} MB) in ${(ms / 1000).toFixed(2)} s`);
}

/** Every day of the sample, one run each; returns the total and the first and last runs' times. */
async function pipeline(): Promise<{ totalMs: number; firstMs: number; lastMs: number }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'redline-bench-state-'));
  try {
    const [outcomes, totalMs] = await timed(() =>
      backfillLocally({ pipeline: 'sparkify', from: '2018-11-01', to: '2018-11-30', dataDir, stateDir, notifier: new ConsoleNotifier() }),
    );
    const failed = outcomes.find((o) => o.status !== 'SUCCEEDED');
    if (failed) throw new Error(`pipeline failed on ${failed.runDate}: ${JSON.stringify(failed.error)}`);
    console.log(`pipeline: ${JSON.stringify(outcomes.at(-1)!.tables)}`);
    return { totalMs, firstMs: outcomes[0]!.durationMs, lastMs: outcomes.at(-1)!.durationMs };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** DuckDB materialising the same event files into a table, no checks, no COPY semantics. */
async function duckdbBare(): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const files = `'${join(dataDir, 'log_data')}/**/*.json'`;
  const [, ms] = await timed(() =>
    connection.run(`CREATE TABLE events AS SELECT * FROM read_json(${files}, format = 'newline_delimited')`),
  );
  if (!existsSync(csvFile)) await connection.run(`COPY events TO '${csvFile}' (HEADER, DELIMITER ',')`);
  connection.closeSync();
  instance.closeSync();
  return ms;
}

function psql(sql: string): void {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** PostgreSQL \copy of the same events as CSV into a bare table, or null when no server answers. */
function postgresCopy(): number | null {
  try {
    psql('SELECT 1');
  } catch {
    return null;
  }
  psql(
    'DROP TABLE IF EXISTS redline_bench_events; CREATE UNLOGGED TABLE redline_bench_events (artist text, auth text, "firstName" text, gender text, "itemInSession" int, "lastName" text, length float8, level text, location text, method text, page text, registration float8, "sessionId" int, song text, status int, ts bigint, "userAgent" text, "userId" text)',
  );
  const started = performance.now();
  psql(`\\copy redline_bench_events FROM '${csvFile}' WITH (FORMAT csv, HEADER true)`);
  const ms = performance.now() - started;
  psql('DROP TABLE redline_bench_events');
  return ms;
}

await generate();
const { totalMs: pipelineMs, firstMs, lastMs } = await pipeline();
const duckdbMs = await duckdbBare();
const postgresMs = postgresCopy();

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\n${EVENTS.toLocaleString('en-US')} events`);
console.log(`whole local pipeline, 30 daily runs (plan, 2 COPYs, 5 SQL steps, checks each): ${seconds(pipelineMs)}`);
console.log(`DuckDB bare read_json into a table:            ${seconds(duckdbMs)}   pipeline / bare DuckDB = ${(pipelineMs / duckdbMs).toFixed(2)}x`);
if (postgresMs === null) console.log('PostgreSQL \\copy: skipped (no server on 127.0.0.1:5432)');
else console.log(`PostgreSQL \\copy of the events as CSV:        ${seconds(postgresMs)}   pipeline / PostgreSQL \\copy = ${(pipelineMs / postgresMs).toFixed(2)}x (goal <= 1.00x)`);
console.log(`day-30 run with 29 days loaded: ${seconds(lastMs)}, day-1 run: ${seconds(firstMs)}   day 30 / day 1 = ${(lastMs / firstMs).toFixed(2)}x (goal <= 1.20x)`);
