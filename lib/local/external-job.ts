// Runs an external job's local command as a real child process and waits for its exit code, as
// EMR Serverless runs a job run in AWS: no shell, the project root as working directory, an
// environment without the parent's secrets, stdout and stderr into one log file (the local
// stand-in for the job's S3 logs). Exit 0 is success. Any other exit, or a command that cannot
// start, fails with ExternalJobFailed (named States.TaskFailed). Past the timeout the job's whole
// process group is killed and the run fails with ExternalJobTimedOut (named States.Timeout).
// When the job ends, whatever it left running in its process group is stopped too, as a finished
// job run's workers are released.
import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExternalJobFailed, ExternalJobTimedOut } from '../../lambdas/core/errors.ts';
import { PROJECT_ROOT } from './project-paths.ts';

/** The parent's environment variables a job may see: where programs are, and the locale. */
const INHERITED_ENVIRONMENT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR'] as const;

/** How many of the log's last lines a failure's message quotes. */
const QUOTED_LOG_LINES = 5;

export interface ExternalJobRun {
  /** The program and its arguments: the job's local command with its resolved arguments appended. */
  readonly command: readonly string[];
  /** The file the job's stdout and stderr go to; created with its folder, or overwritten. */
  readonly logFile: string;
  /** Longest the job may run, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * The job's working directory.
   * @default the project root
   */
  readonly cwd?: string;
}

/** Runs the job to its end; resolves when it exited 0, else rejects with a named error. */
export async function runExternalJob(run: ExternalJobRun): Promise<void> {
  const [program, ...args] = run.command;
  if (program === undefined) throw new ExternalJobFailed('the job has no command', null, run.logFile);
  await mkdir(dirname(run.logFile), { recursive: true });
  const log = await open(run.logFile, 'w');
  let exit: Exit;
  try {
    await log.write(`$ ${run.command.join(' ')}\n`);
    exit = await spawnAndWait(program, args, log.fd, run);
  } finally {
    await log.close();
  }
  const seconds = `${(exit.durationMs / 1000).toFixed(1)} s`;
  if (exit.timedOut) {
    throw new ExternalJobTimedOut(`the job ran past its timeout of ${run.timeoutMs / 1000} s and was killed; its log: ${run.logFile}`, run.logFile);
  }
  if (exit.startError) {
    throw new ExternalJobFailed(`the job's command could not start (${exit.startError.message}); its log: ${run.logFile}`, null, run.logFile);
  }
  if (exit.code !== 0) {
    const how = exit.code === null ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
    throw new ExternalJobFailed(`the job ${how} after ${seconds}; its log: ${run.logFile}${await logTail(run.logFile)}`, exit.code, run.logFile);
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  startError?: Error;
  durationMs: number;
}

/** Starts the job as the leader of its own process group, so that killing the group kills its whole tree. */
function spawnAndWait(program: string, args: readonly string[], logFd: number, run: ExternalJobRun): Promise<Exit> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: run.cwd ?? PROJECT_ROOT,
      env: safeEnvironment(),
      stdio: ['ignore', logFd, logFd],
      detached: true,
      shell: false,
    });
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, run.timeoutMs);
    const settle = (exit: Omit<Exit, 'timedOut' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child.pid);
      resolve({ ...exit, timedOut, durationMs: Date.now() - started });
    };
    child.once('error', (error) => settle({ code: null, signal: null, startError: error }));
    child.once('exit', (code, signal) => settle({ code, signal }));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the group is gone already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function safeEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(INHERITED_ENVIRONMENT.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
}

/** The log's last lines, to quote in a failure's message (the alert shows it). */
async function logTail(logFile: string): Promise<string> {
  const lines = (await readFile(logFile, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const tail = lines.slice(1).slice(-QUOTED_LOG_LINES);
  return tail.length === 0 ? '' : `; last output: ${tail.join(' | ')}`;
}
