/** A position in one topic partition: the offset of a record, or the next offset to read. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** One string per topic partition, for maps keyed by partition. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Keeps the lowest offset per partition of `offsets` in `into`. */
export function keepLowest(into: Map<string, PartitionOffset>, offsets: Iterable<PartitionOffset>): void {
  for (const position of offsets) {
    const key = partitionKey(position.topic, position.partition);
    const known = into.get(key);
    if (!known || position.offset < known.offset) into.set(key, position);
  }
}
