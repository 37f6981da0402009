import type { GatewayCounts } from '../gateway';
import type { HealthGates } from './desired-state.config';

/**
 * The gates a freshly applied desired state failed at the end of its window, each as a sentence an operator
 * reads in `fieldmesh fleet status`; empty when it passed. `counts` are the new version's own (the gateway
 * it runs in started with it), so they cover the window alone.
 */
export function failedGates(gates: HealthGates, counts: GatewayCounts, connectors: Record<string, boolean>, resources: ProcessResources): string[] {
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
  if (gates.maxCpuShare !== undefined && resources.cpuShare > gates.maxCpuShare) {
    failures.push(`cpu: ${(resources.cpuShare * 100).toFixed(0)} % of a core over the window, at most ${(gates.maxCpuShare * 100).toFixed(0)} % allowed`);
  }
  const memoryMiB = resources.rssBytes / 1024 ** 2;
  if (gates.maxMemoryMiB !== undefined && memoryMiB > gates.maxMemoryMiB) failures.push(`memory: ${memoryMiB.toFixed(0)} MiB resident, at most ${gates.maxMemoryMiB} MiB allowed`);
  return failures;
}

/** What the gateway's process used during a window. */
export interface ProcessResources {
  /** CPU time (user and system) over the window's wall time: 1 is one core busy throughout. */
  cpuShare: number;
  rssBytes: number;
}

/** Starts measuring the process's CPU time; the returned function reads the resources used since. */
export function measureResources(now: () => number = performance.now.bind(performance)): () => ProcessResources {
  const [cpuStart, wallStart] = [process.cpuUsage(), now()];
  return () => {
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = Math.max(1, now() - wallStart);
    return { cpuShare: (cpu.user + cpu.system) / 1000 / wallMs, rssBytes: process.memoryUsage.rss() };
  };
}
