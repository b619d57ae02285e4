// The Lambda entry file: one named export per handler name (the construct points each function
// at its own). The first invocation of a container reads and checks the environment and builds
// the handlers; later ones reuse them. Errors are logged and rethrown unchanged, so Lambda
// reports their `name` as errorType and the state machine's Retry/Catch can match on it.
// `notify` is invoked by EventBridge with the execution's status change, not by the flow.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createHandlers, type HandlerName, type TaskHandler } from '../handlers/index.ts';
import { createAwsDeps, defaultClients, readEnvironment } from './environment.ts';
import { failedRunOf } from './execution-failure.ts';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Event fields worth a log line; never SQL, parameter values or secrets. */
const LOGGED_EVENT_FIELDS = ['pipeline', 'runId', 'runDate', 'step', 'table'] as const;

const logger = new Logger();
let handlers: Record<HandlerName, TaskHandler> | undefined;
const clients = defaultClients();
let invocation: Context | undefined;

/** The handlers, built on the container's first invocation (not cached when the environment is invalid). */
function containerHandlers(): Record<HandlerName, TaskHandler> {
  handlers ??= createHandlers(
    createAwsDeps(readEnvironment(process.env), {
      clients,
      remainingTimeMs: () => invocation?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    }),
  );
  return handlers;
}

function lambdaHandler(name: HandlerName, adapt: (event: unknown) => Promise<unknown> = async (e) => e): LambdaHandler {
  return async (raw, context) => {
    invocation = context;
    logger.addContext(context);
    try {
      const event = await adapt(raw);
      logger.appendKeys({ task: name, ...eventKeys(event) });
      const result = await containerHandlers()[name](event);
      logger.info('task finished');
      return result;
    } catch (error) {
      logFailure(error);
      throw error;
    } finally {
      logger.resetKeys();
      invocation = undefined;
    }
  };
}

function eventKeys(event: unknown): Record<string, string> {
  if (typeof event !== 'object' || event === null) return {};
  const keys: Record<string, string> = {};
  for (const field of LOGGED_EVENT_FIELDS) {
    const value: unknown = (event as Record<string, unknown>)[field];
    if (typeof value === 'string') keys[field] = value;
  }
  return keys;
}

function logFailure(error: unknown): void {
  if (error instanceof Error) logger.error('task failed', error);
  else logger.error('task failed', { thrown: String(error) });
}

export const plan = lambdaHandler('plan');
export const stage = lambdaHandler('stage');
export const transform = lambdaHandler('transform');
export const clean = lambdaHandler('clean');
export const model = lambdaHandler('model');
export const check = lambdaHandler('check');
export const summarize = lambdaHandler('summarize');
export const notify = lambdaHandler('notify', (event) =>
  failedRunOf(event, readEnvironment(process.env).REDLINE_PIPELINE, clients.sfn),
);
export const watermarks = lambdaHandler('watermarks');
export const extract = lambdaHandler('extract');
export const flatten = lambdaHandler('flatten');
export const publish = lambdaHandler('publish');
export const download = lambdaHandler('download');
