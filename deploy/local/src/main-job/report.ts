import type { GatewayCounts } from '@fieldmesh/edge-gateway';

export interface MainJobReport {
  seconds: number;
  plant: { published: Record<string, number>; badInputs: number };
  gateway: GatewayCounts;
  /** Records added to each topic during the run (end offsets after minus before). */
  kafka: Record<string, number>;
  failures: number;
}

export interface Reconciliation {
  check: string;
  expected: number;
  actual: number;
  ok: boolean;
}

/**
 * The equations that say where every message went. MQTT readings are acknowledged to the broker only
 * once durable, so each published MQTT reading must reach the gateway; OPC UA is sampled, so it has no
 * such equation.
 */
export function reconcile(report: MainJobReport): Reconciliation[] {
  const g = report.gateway;
  const raw = report.kafka['plant.telemetry.raw.v1'] ?? 0;
  const dlq = report.kafka['plant.telemetry.raw.v1.dlq'] ?? 0;
  const mqtt = (report.plant.published['mqtt-json'] ?? 0) + (report.plant.published.sparkplug ?? 0);
  const rows: Array<[string, number, number]> = [
    ['gateway received ≥ MQTT readings the plant published', mqtt, Math.min(g.received, mqtt)],
    ['gateway received = accepted + dead-lettered + redelivered duplicates', g.received, g.accepted + g.deadLettered + g.duplicates],
    ['gateway buffered = forwarded to Kafka + pending', g.accepted + g.deadLettered, g.forwarded + g.pending + g.dropped],
    ['records dropped by a full buffer', 0, g.dropped],
    ['Kafka raw + DLQ records = gateway forwarded', g.forwarded, raw + dlq],
  ];
  return rows.map(([check, expected, actual]) => ({ check, expected, actual, ok: expected === actual }));
}

export function formatReport(report: MainJobReport): string {
  const p = report.plant.published;
  const g = report.gateway;
  const checks = reconcile(report);
  const lines = [
    '',
    `Fieldmesh main job: ${report.seconds} s`,
    '',
    'Stage                          in        out   dead-letter   pending  dropped  duplicates',
    `plant (simulator)               -  ${pad(p['mqtt-json']! + p.sparkplug! + p.opcua!, 9)}             -         -        -   (MQTT JSON ${p['mqtt-json']}, Sparkplug ${p.sparkplug}, OPC UA ${p.opcua}; ${report.plant.badInputs} malformed)`,
    `gateway                 ${pad(g.received, 9)}  ${pad(g.accepted, 9)}  ${pad(g.deadLettered, 12)}  ${pad(g.pending, 8)}  ${pad(g.dropped, 7)}  ${pad(g.duplicates, 10)}`,
    ...Object.entries(report.kafka).map(([topic, count]) => `kafka ${topic.padEnd(30)} ${pad(count, 9)} records`),
    '',
    `Failures injected: ${report.failures}`,
    '',
    'Reconciliation:',
    ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: expected ${c.expected}, got ${c.actual}`),
    checks.every((c) => c.ok) ? 'Every message is accounted for.' : 'UNEXPLAINED LOSSES: see the failed checks above.',
  ];
  return lines.join('\n');
}

function pad(n: number | undefined, width: number): string {
  return String(n ?? 0).padStart(width);
}
