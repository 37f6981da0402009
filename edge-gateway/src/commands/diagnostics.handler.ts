import type { DiagnosticCommand, GatewayAnswerOutcome, GatewayBufferState } from '@fieldmesh/connect';
import type { HealthReport } from '@fieldmesh/observability';
import { redactSecrets } from './config.redactor';

/** A command carried out, or why not. */
export interface CommandOutcome {
  outcome: GatewayAnswerOutcome;
  answer?: unknown;
  error?: string;
}

/** What the running gateway tells about itself, and the one thing it does on request (reconnect a connector). */
export interface GatewayDiagnostics {
  health(): HealthReport;
  /** Its Prometheus metrics, in the text exposition format its /metrics serves. */
  metricsText(): Promise<string>;
  /** Its last log lines, oldest first. */
  logTail(lines: number): string[];
  /** The configuration it runs with, as loaded (defaults filled in), secrets included: the handler redacts. */
  effectiveConfig(): unknown;
  bufferState(): GatewayBufferState;
  /** Drops the connector's connection so the runtime connects it again; false when there is no such connector. */
  reconnect(connector: string): boolean;
}

/** Answers one diagnostic command from the running gateway. */
export async function answerDiagnostic(command: DiagnosticCommand, diagnostics: GatewayDiagnostics): Promise<CommandOutcome> {
  switch (command.type) {
    case 'health':
      return { outcome: 'done', answer: diagnostics.health() };
    case 'metrics-snapshot':
      return { outcome: 'done', answer: { text: await diagnostics.metricsText() } };
    case 'log-tail':
      return { outcome: 'done', answer: { lines: diagnostics.logTail(command.lines) } };
    case 'effective-config':
      return { outcome: 'done', answer: redactSecrets(diagnostics.effectiveConfig()) };
    case 'buffer-state':
      return { outcome: 'done', answer: diagnostics.bufferState() };
    case 'reconnect-connector':
      return diagnostics.reconnect(command.connector)
        ? { outcome: 'done', answer: { connector: command.connector } }
        : { outcome: 'unknown-connector', error: `reconnect ${command.commandId} by ${command.requestedBy} not carried out: this gateway has no connector ${command.connector}` };
  }
}
