// Clean task: run one cleaning step of a pipeline on the run's own copy of its table, in one
// transaction (normalise, quarantine the rows that break a rule, rebuild the table from the rest),
// then reconcile the counts and hold the step to its threshold. The threshold is checked after the
// commit, so a run failed by it keeps its quarantine for someone to look at.
// Counts are the run's: a second attempt at the step (a retry after the commit, a resume) finds a
// clean table and quarantines nothing new, and reports and judges what the step did in the run.
import type { HandlerDeps } from '../core/deps.ts';
import { CleaningCountsMismatch, CleaningThresholdExceeded } from '../core/errors.ts';
import type { Warehouse } from '../core/ports.ts';
import { cleaningStatements } from '../core/cleaning/clean-statements.ts';
import { QUARANTINED_BY_RULE_SQL } from '../core/cleaning/quarantine.ts';
import { tableColumns } from '../core/cleaning/table-columns.ts';
import { runScopedTables, scopeToRun } from '../core/run-staging.ts';
import { pipelineNamed } from '../../lib/pipelines/index.ts';
import { stepOfKind, type CleanStepSpec, type PipelineSpec } from '../../lib/pipelines/spec.ts';
import { cleanEvent, type CleanEvent } from './events.ts';

/** What a clean task did in the run; read/loaded/rejected go into the run audit. */
export interface CleanResult {
  step: string;
  /** The table cleaned, as declared. */
  table: string;
  /** Rows the table held before the step cleaned it in this run. */
  read: number;
  /** Rows kept. */
  loaded: number;
  /** Rows quarantined by the step in this run: read = loaded + rejected. */
  rejected: number;
  quarantinedByRule: Record<string, number>;
}

/**
 * The clean task.
 * @throws InvalidInput when the pipeline has no cleaning step of that name, or its rules do not fit its table
 * @throws CleaningCountsMismatch when rows kept and quarantined do not add up to the rows read
 * @throws CleaningThresholdExceeded when more than step.maxQuarantinedRatio of the rows were quarantined
 */
export function createCleanHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<CleanResult> => {
    const event = cleanEvent.parse(raw);
    const spec = pipelineNamed(event.pipeline);
    const step = stepOfKind(spec, event.step, 'clean');
    const scoped = runScopedTables(spec);
    const columns = tableColumns(await deps.sql.read(spec.schema), step.table);
    const statements = cleaningStatements(step, columns).map((s) => scopeToRun(s, scoped, event.runId));
    const table = scopeToRun(step.table, scoped, event.runId);

    const rowsBefore = await countRows(deps.warehouse, table);
    const before = await quarantinedByRule(deps.warehouse, spec, event);
    if (statements.length > 0) await deps.warehouse.executeInTransaction(statements, { runId: event.runId, step: `clean_${step.name}` });
    const kept = await countRows(deps.warehouse, table);
    const byRule = await quarantinedByRule(deps.warehouse, spec, event);

    const quarantined = total(byRule);
    const added = quarantined - total(before);
    if (rowsBefore !== kept + added) {
      throw new CleaningCountsMismatch(`cleaning step ${step.name}: ${table} held ${rowsBefore} row(s), kept ${kept} and quarantined ${added}`);
    }
    const read = kept + quarantined;
    checkThreshold(step, read, quarantined, byRule);
    return { step: step.name, table: step.table, read, loaded: kept, rejected: quarantined, quarantinedByRule: byRule };
  };
}

function checkThreshold(step: CleanStepSpec, read: number, quarantined: number, byRule: Record<string, number>): void {
  if (read > 0 && quarantined / read > step.maxQuarantinedRatio) {
    throw new CleaningThresholdExceeded(step.name, step.table, read, quarantined, step.maxQuarantinedRatio, byRule);
  }
}

async function countRows(warehouse: Warehouse, table: string): Promise<number> {
  const [row] = await warehouse.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

async function quarantinedByRule(warehouse: Warehouse, spec: PipelineSpec, event: CleanEvent): Promise<Record<string, number>> {
  const rows = await warehouse.query(QUARANTINED_BY_RULE_SQL, { pipeline: spec.name, run_id: event.runId, step: event.step });
  return Object.fromEntries(rows.map((r) => [String(r.rule), Number(r.quarantined)]));
}

function total(byRule: Record<string, number>): number {
  return Object.values(byRule).reduce((sum, n) => sum + n, 0);
}
