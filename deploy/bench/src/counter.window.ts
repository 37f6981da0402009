import type { Counter } from './stages/stage';
import { ratePerSecond, type CounterSample } from './statistics';

/** Every counter read once, each with the moment its value came back. */
export type Snapshot = Map<Counter, CounterSample>;

export async function snapshot(counters: readonly Counter[]): Promise<Snapshot> {
  const entries = await Promise.all(counters.map(async (counter) => [counter, { count: await counter.read(), atMs: performance.now() }] as const));
  return new Map(entries);
}

export interface CounterRate {
  counter: string;
  unit: string;
  perSecond: number;
  /** Counted within the window. */
  count: number;
}

/** Each counter's rate between two snapshots, in the counters' order. */
export function ratesBetween(counters: readonly Counter[], from: Snapshot, to: Snapshot): CounterRate[] {
  return counters.map((counter) => {
    const a = from.get(counter)!;
    const b = to.get(counter)!;
    return { counter: counter.name, unit: counter.unit, perSecond: Math.round(ratePerSecond(a, b)), count: b.count - a.count };
  });
}
