import type { GatewayCounts } from '../gateway';
import type { HealthGates } from './desired-state.config';

/**
 * The gates a freshly applied desired state failed at the end of its window, each as a sentence an operator
 * reads in `fieldmesh fleet status`; empty when it passed. `counts` are the new version's own (the gateway
 * it runs in started with it), so they cover the window alone.
 */
export function failedGates(gates: HealthGates, counts: GatewayCounts, connectors: Record<string, boolean>): string[] {
  const failures: string[] = [];
  if (counts.accepted < gates.minReadings) failures.push(`readings: ${counts.accepted} accepted in ${gates.windowSeconds} s, at least ${gates.minReadings} required`);
  const ratio = counts.received === 0 ? 0 : counts.deadLettered / counts.received;
  if (ratio > gates.maxDeadLetterRatio) {
    failures.push(
      `dead letters: ${counts.deadLettered} of ${counts.received} messages (${(ratio * 100).toFixed(1)} %), at most ${(gates.maxDeadLetterRatio * 100).toFixed(1)} % allowed`,
    );
  }
  if (counts.pending > gates.maxPendingRecords) failures.push(`buffer: ${counts.pending} records waiting for Kafka, at most ${gates.maxPendingRecords} allowed`);
  const down = Object.entries(connectors)
    .filter(([, up]) => !up)
    .map(([name]) => name);
  if (gates.requireConnected && down.length > 0) failures.push(`connectors not connected: ${down.join(', ')}`);
  return failures;
}
