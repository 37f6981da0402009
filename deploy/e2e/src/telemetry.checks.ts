import type { TelemetryRecord } from './telemetry.reader';

/** `<protocol>|<asset>|<signal>|<reading time>`: what identifies one reading of the plant. */
export const readingKey = (r: TelemetryRecord) => `${String(r.value.sourceProtocol)}|${String(r.value.assetPath)}|${String(r.value.signal)}|${String(r.value.readingTime)}`;

/** Distinct readings per source protocol. */
export function distinctByProtocol(records: TelemetryRecord[]): Record<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const record of records) {
    const protocol = String(record.value.sourceProtocol);
    if (!keys.has(protocol)) keys.set(protocol, new Set());
    keys.get(protocol)!.add(readingKey(record));
  }
  return Object.fromEntries([...keys].map(([protocol, set]) => [protocol, set.size]));
}

/**
 * Sources whose readings arrived out of order: for each (protocol, asset, signal), reading times must not
 * go backwards in partition order (the key is the asset, so one source lives in one partition). A resent
 * copy of a reading already seen is a duplicate, not disorder: consumers drop it by (gateway, sequence).
 */
export function orderViolations(records: TelemetryRecord[]): string[] {
  const last = new Map<string, number>();
  const violations: string[] = [];
  const seen = new Set<string>();
  const inPartitionOrder = [...records].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  for (const record of inPartitionOrder) {
    if (seen.has(readingKey(record))) continue;
    seen.add(readingKey(record));
    const source = `${String(record.value.sourceProtocol)}|${String(record.value.assetPath)}|${String(record.value.signal)}`;
    const time = Number(record.value.readingTime);
    if ((last.get(source) ?? -Infinity) > time) violations.push(`${source} went back to ${time} at offset ${record.offset}`);
    last.set(source, Math.max(last.get(source) ?? -Infinity, time));
  }
  return violations;
}

/** Duplicates that do not share (gateway, sequence) with the first copy: the crash guarantee says none. */
export function unidentifiableDuplicates(records: TelemetryRecord[]): string[] {
  const firstSeq = new Map<string, string>();
  const problems: string[] = [];
  for (const record of records) {
    const identity = `${String(record.value.gatewayId)}/${String(record.value.sequenceNumber)}`;
    const key = readingKey(record);
    const seen = firstSeq.get(key);
    if (seen === undefined) firstSeq.set(key, identity);
    else if (seen !== identity) problems.push(`${key} arrived as ${seen} and as ${identity}`);
  }
  return problems;
}
