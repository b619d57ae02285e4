// What the local runner keeps of each execution, under <stateDir>/executions/: its status and,
// for a failed one, the state that failed and the input it had, so `--resume` can continue there;
// and its outcome, from which `redline report` draws the run's report.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidInput } from '../../lambdas/core/errors.ts';

const executionRecord = z.object({
  pipeline: z.string(),
  runId: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  runDate: z.string(),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  failedState: z.string().optional(),
  failedStateInput: z.unknown().optional(),
  /** What the run did, as `redline run --json` prints it (for the run report). */
  outcome: z.unknown().optional(),
});

export type ExecutionRecord = z.infer<typeof executionRecord>;

function recordPath(stateDir: string, runId: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(runId)) throw new InvalidInput(`not a run id: ${runId}`);
  return join(stateDir, 'executions', `${runId}.json`);
}

export async function saveExecution(stateDir: string, record: ExecutionRecord): Promise<void> {
  await mkdir(join(stateDir, 'executions'), { recursive: true });
  await writeFile(recordPath(stateDir, record.runId), JSON.stringify(record, null, 1));
}

export async function readExecution(stateDir: string, runId: string): Promise<ExecutionRecord> {
  let text: string;
  try {
    text = await readFile(recordPath(stateDir, runId), 'utf8');
  } catch {
    throw new InvalidInput(`no local run ${runId} in ${stateDir}`);
  }
  return executionRecord.parse(JSON.parse(text));
}
