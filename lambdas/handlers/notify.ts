// Notify task: tell the people who look after a pipeline that a run failed, where and why.
import type { HandlerDeps } from '../core/deps.ts';
import { formatAlert } from '../core/alert-format.ts';
import { notifyEvent } from './events.ts';

export function createNotifyHandler(deps: HandlerDeps) {
  return async (raw: unknown): Promise<{ notified: true }> => {
    const event = notifyEvent.parse(raw);
    await deps.notifier.send(formatAlert(event, deps.settings.executionLink));
    return { notified: true };
  };
}
