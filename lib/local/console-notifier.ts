// Local Notifier adapters: alerts printed for the person at the terminal and appended to a
// JSON-lines file that tools (and tests) can read.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, Notifier } from '../../lambdas/core/ports.ts';

export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (text: string) => void = (text) => process.stderr.write(text)) {}

  async send(alert: Alert): Promise<void> {
    this.write(`\n${alert.subject}\n${alert.details.map((d) => `  ${d}`).join('\n')}\n\n`);
  }
}

export class JsonLinesNotifier implements Notifier {
  constructor(private readonly path: string) {}

  async send(alert: Alert): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ sentAt: new Date().toISOString(), ...alert })}\n`);
  }
}

/** Sends every alert to each notifier in turn. */
export class FanOutNotifier implements Notifier {
  constructor(private readonly notifiers: readonly Notifier[]) {}

  async send(alert: Alert): Promise<void> {
    for (const notifier of this.notifiers) await notifier.send(alert);
  }
}
