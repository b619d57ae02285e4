// A Notifier for tests: keeps every alert it is sent.
import type { Alert, Notifier } from '../../lambdas/core/ports.ts';

export class CapturingNotifier implements Notifier {
  readonly alerts: Alert[] = [];

  async send(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}
