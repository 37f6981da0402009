import type { StreamRecord } from '@fieldmesh/streams';

/**
 * A batch's records in event-time order across partitions while each partition keeps its offset order:
 * a k-way merge of the partitions' runs. A batch arrives partition by partition, and on catch-up one
 * partition's run can span minutes, which would push one watermark for all assets past the others'
 * windows. Offset order within a partition must stay, because windows track the oldest offset they hold.
 */
export function mergeByEventTime<T>(records: readonly StreamRecord<T>[], eventTimeOf: (record: StreamRecord<T>) => number): StreamRecord<T>[] {
  const runs = new Map<string, StreamRecord<T>[]>();
  for (const record of records) {
    const at = `${record.topic}\u0000${record.partition}`;
    const run = runs.get(at);
    if (run) run.push(record);
    else runs.set(at, [record]);
  }
  if (runs.size <= 1) return [...records];
  const queues = [...runs.values()];
  const heads = queues.map(() => 0);
  const merged: StreamRecord<T>[] = [];
  // Few partitions per batch: a linear scan for the earliest head is cheaper than a heap.
  for (;;) {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    for (let q = 0; q < queues.length; q++) {
      const head = queues[q]![heads[q]!];
      if (head === undefined) continue;
      const time = eventTimeOf(head);
      if (best === -1 || time < bestTime) {
        best = q;
        bestTime = time;
      }
    }
    if (best === -1) return merged;
    merged.push(queues[best]![heads[best]!]!);
    heads[best]! += 1;
  }
}
