/**
 * Whether Kafka could ever take a record it refused. Retriable: the cluster is unreachable, has no leader
 * or too few replicas, a topic is missing (it is created again before the next send) — the same send
 * succeeds later, so the forwarder waits and resends. Permanent: the broker refuses these bytes for this
 * topic whenever they are sent — the forwarder dead-letters the record and goes on.
 *
 * Kafka error names as both adapters surface them (kafkajs `type`, @platformatic/kafka `apiId`), anywhere
 * in the error's causes.
 */
const PERMANENT = new Map<string, string>([
  ['MESSAGE_TOO_LARGE', "the record is larger than the topic's max.message.bytes"],
  ['RECORD_LIST_TOO_LARGE', "the record is larger than the broker's segment size"],
  ['INVALID_RECORD', 'the broker rejected the record as invalid for the topic'],
  // A CRC failure on the wire would be retriable, but the bytes come CRC-checked from the buffer and the
  // client computes the wire CRC: the broker's other reasons (a null key on a compacted topic, a size
  // beyond the valid range) do not change on a resend.
  ['CORRUPT_MESSAGE', 'the broker rejected the record as corrupt (or keyless on a compacted topic)'],
  ['INVALID_TIMESTAMP', "the record's timestamp is outside the topic's allowed range"],
  ['TOPIC_AUTHORIZATION_FAILED', 'the gateway is not authorised to write to the topic'],
  ['INVALID_TOPIC_EXCEPTION', 'the topic name is invalid'],
  ['UNSUPPORTED_FOR_MESSAGE_FORMAT', "the record needs a newer message format than the topic's"],
  ['POLICY_VIOLATION', "the record violates the broker's policy"],
]);

/** Errors whose presence means the topic is missing: the forwarder creates topics again before the next send. */
const TOPIC_MISSING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID']);

export type ProduceFailure = { kind: 'permanent'; code: string; reason: string } | { kind: 'retriable'; topicMissing: boolean };

export function classifyProduceError(error: unknown): ProduceFailure {
  const codes = kafkaErrorCodes(error);
  for (const code of codes) {
    const reason = PERMANENT.get(code);
    if (reason) return { kind: 'permanent', code, reason };
  }
  return { kind: 'retriable', topicMissing: codes.some((code) => TOPIC_MISSING.has(code)) };
}

/** Kafka error names found in an error, its causes and aggregated errors (bounded walk). */
function kafkaErrorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 64) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const fields = current as { apiId?: unknown; type?: unknown; cause?: unknown; errors?: unknown };
    for (const name of [fields.apiId, fields.type]) if (typeof name === 'string' && /^[A-Z_]+$/.test(name)) codes.push(name);
    queue.push(fields.cause);
    if (Array.isArray(fields.errors)) queue.push(...(fields.errors as unknown[]));
  }
  return codes;
}
