import { buildDlqHeaders, DLQ_HEADER_PREFIX, dlqTopicFor, type OutgoingRecord } from '@fieldmesh/kafka';
import type { Envelope } from '../buffer/envelope';

/** How much of a refused record's value a dead letter carries: far below any broker's message limit. */
export const DEAD_LETTER_EVIDENCE_BYTES = 16 * 1024;
const MAX_HEADER_CHARS = 1024;
const MAX_KEY_CHARS = 256;

/** Says how much of the original value the dead letter holds: 'whole', 'truncated …' or 'omitted …'. */
export const EVIDENCE_HEADER = 'fieldmesh.dlq.evidence';
/** On a record that was already a dead letter when Kafka refused it: why Kafka refused it. */
export const FORWARD_ERROR_HEADER = 'fieldmesh.dlq.forward-error';

export interface RefusedRecord {
  /** The gateway sequence number: the "offset" of a record that never reached a partition. */
  seq: number;
  envelope: Envelope;
}

/**
 * The dead letter of a record Kafka refused for good, at stage 'forward'. Nothing in it grows with the
 * refused record: the value is cut to `evidenceBytes` (0 omits it, for a DLQ topic that refuses even the
 * bounded letter), the key and each header to a fixed length, and a header says what was cut. A record
 * that was itself a dead letter keeps its original reason and stays on its DLQ topic.
 */
export function buildForwardDeadLetter({ seq, envelope }: RefusedRecord, error: unknown, evidenceBytes: number, now: number): OutgoingRecord {
  const alreadyDead = Object.keys(envelope.headers).some((name) => name.startsWith(DLQ_HEADER_PREFIX));
  const value = envelope.value.subarray(0, evidenceBytes);
  const evidence =
    value.length === envelope.value.length
      ? 'whole'
      : evidenceBytes === 0
        ? `omitted: the original value had ${envelope.value.length} bytes`
        : `truncated: the first ${value.length} of ${envelope.value.length} bytes`;
  const kept = Object.fromEntries(Object.entries(envelope.headers).map(([name, text]) => [name, clip(text, MAX_HEADER_CHARS)]));
  const origin = { topic: envelope.topic, partition: -1, offset: String(seq), key: null, value: null, headers: {}, timestamp: now };
  const failure = alreadyDead ? { [FORWARD_ERROR_HEADER]: clip(describe(error), MAX_HEADER_CHARS) } : buildDlqHeaders(origin, { stage: 'forward', error }, now);
  return {
    topic: alreadyDead ? envelope.topic : dlqTopicFor(envelope.topic),
    key: envelope.key === null ? null : clip(envelope.key, MAX_KEY_CHARS),
    value: Buffer.from(value),
    headers: { ...kept, ...failure, [EVIDENCE_HEADER]: evidence },
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [truncated ${text.length - max} chars]`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
