import type { HeaderValue, OutgoingRecord } from './ports';

/** Keys and header values may be given as strings for convenience; the wire carries bytes. */
export function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

export function keyBuffer(key: OutgoingRecord['key']): Buffer | null {
  return key === undefined || key === null ? null : toBuffer(key);
}

export function headerBuffers(headers: Record<string, HeaderValue> | undefined): Array<[string, Buffer]> {
  return headers ? Object.entries(headers).map(([name, value]) => [name, toBuffer(value)]) : [];
}

/** The offset after `offset`: what a consumer group commits once `offset` is processed. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/** Records grouped by topic, keeping their order within each topic (order within a key is the contract). */
export function groupByTopic(records: OutgoingRecord[]): Map<string, OutgoingRecord[]> {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const record of records) {
    const list = byTopic.get(record.topic);
    if (list) list.push(record);
    else byTopic.set(record.topic, [record]);
  }
  return byTopic;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < items.length; at += size) chunks.push(items.slice(at, at + size));
  return chunks;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
