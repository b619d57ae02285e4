// Staging per run: each run COPYs into its own copy of a source's staging table, named after the
// table and the run (staging_events__r1a2b3c4d), so runs of one pipeline for different dates can
// go at once and a redriven or resumed run still finds exactly what it staged. The SQL files name
// the staging table itself; the statements of a run are scoped to the run's copies on tokens, so
// a string, a comment or a column that merely looks like the name is left alone. A run's copy is
// created from the staging table's own CREATE TABLE in the pipeline's schema file, scoped the
// same way, so it has exactly the declared Redshift types and attributes.
import { createHash } from 'node:crypto';
import { InvalidInput } from './errors.ts';
import { stagedTables } from './staged-tables.ts';
import type { PipelineSpec } from '../../lib/pipelines/spec.ts';
import { isKeyword, isPunct, isSignificant, previousSignificant, render, splitTokens, tokenize, type Token } from './sql-tokens.ts';

/** The run's own copy of staging table `table`. */
export function runStagingTable(table: string, runId: string): string {
  const digest = createHash('sha256').update(runId).digest('hex').slice(0, 10);
  return `${table}__r${digest}`;
}

/**
 * The statement creating the run's copy of `table`: the `CREATE TABLE IF NOT EXISTS table (…)`
 * of `schemaScript`, pointed at the copy.
 * @throws InvalidInput when the script has no such statement
 */
export function createRunStagingSql(schemaScript: string, table: string, runId: string): string {
  const create = splitTokens(tokenize(schemaScript)).find((statement) => createsTable(statement, table));
  if (!create) throw new InvalidInput(`the schema SQL has no CREATE TABLE IF NOT EXISTS ${table}`);
  return scopeToRun(render(create), [table], runId);
}

/** Whether `statement` is the `CREATE TABLE IF NOT EXISTS table …` of a schema script. */
export function createsTable(statement: readonly Token[], table: string): boolean {
  const words = statement.filter(isSignificant).slice(0, 6);
  return (
    isKeyword(words[0], 'CREATE') &&
    isKeyword(words[1], 'TABLE') &&
    isKeyword(words[2], 'IF') &&
    isKeyword(words[3], 'NOT') &&
    isKeyword(words[4], 'EXISTS') &&
    words[5]?.kind === 'word' &&
    words[5].text.toLowerCase() === table.toLowerCase()
  );
}

/** Drops the run's copy of `table`, once the run no longer needs it. */
export function dropRunStagingSql(table: string, runId: string): string {
  return `DROP TABLE IF EXISTS ${runStagingTable(table, runId)}`;
}

/**
 * `sql` with every reference to one of `stagingTables` pointed at the run's copy. A reference is
 * an unqualified identifier equal to the table name (any case); `x.staging_events` (a column of
 * an alias, a table in another schema) is not one.
 */
export function scopeToRun(sql: string, stagingTables: readonly string[], runId: string): string {
  const byName = new Map(stagingTables.map((t) => [t.toLowerCase(), runStagingTable(t, runId)]));
  const tokens = tokenize(sql);
  const scoped = tokens.map((token, i): Token => {
    if (token.kind !== 'word') return token;
    const copy = byName.get(token.text.toLowerCase());
    const before = tokens[previousSignificant(tokens, i)];
    if (copy === undefined || isPunct(before, '.') || isPunct(before, ':')) return token;
    return { kind: 'word', text: copy };
  });
  return render(scoped);
}

/** The one-row table of a run's id, pipeline, date and time (created by redline's own schema SQL). */
export const RUN_CONTEXT_TABLE = 'run_context';

/**
 * The tables a run's SQL reads as its own copies: the run context, and the staging tables staged
 * with 'replace' (sources and flattened tables). A 'new-files' source's table accumulates every
 * file ever loaded (the stage task appends each run's copy to it), so the SQL reads the shared one.
 */
export function runScopedTables(spec: Pick<PipelineSpec, 'sources' | 'flattens'>): string[] {
  return [RUN_CONTEXT_TABLE, ...stagedTables(spec).filter((s) => s.load === 'replace').map((s) => s.table)];
}

/** Every run copy a run makes (its context and one per staged table), which a successful run drops. */
export function runCopiedTables(spec: Pick<PipelineSpec, 'sources' | 'flattens'>): string[] {
  return [RUN_CONTEXT_TABLE, ...stagedTables(spec).map((s) => s.table)];
}
