import type { SourceReading, SourceReject } from '@fieldmesh/connect';

/** One MQTT PUBLISH as the connector received it. */
export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** Set by the broker on a redelivery (after a reconnect without PUBACK). */
  dup: boolean;
  receivedTime: number;
}

/** A rebirth request the Sparkplug decoder wants published (NCMD Node Control/Rebirth). */
export interface RebirthRequest {
  group: string;
  node: string;
  reason: 'UnknownSparkplugAlias' | 'SparkplugSeqGap';
}

export interface DecodedMessage {
  readings: SourceReading[];
  rejects: SourceReject[];
  rebirths: RebirthRequest[];
  seqGaps: number;
  deaths: number;
}

export interface MessageDecoder {
  decode(message: InboundMessage): DecodedMessage;
}

export function reject(message: InboundMessage, errorClass: string, reason: string): SourceReject {
  return { sourceAddress: message.topic, payload: message.payload, errorClass, reason, receivedTime: message.receivedTime };
}

export function decoded(parts: Partial<DecodedMessage> = {}): DecodedMessage {
  return { readings: [], rejects: [], rebirths: [], seqGaps: 0, deaths: 0, ...parts };
}

/** Checked before decoding so that a huge message costs no parsing. */
export function oversized(message: InboundMessage, maxPayloadBytes: number): DecodedMessage | undefined {
  if (message.payload.length <= maxPayloadBytes) return undefined;
  return decoded({
    rejects: [reject(message, 'PayloadTooLarge', `payload is ${message.payload.length} bytes, more than maxPayloadBytes ${maxPayloadBytes}`)],
  });
}

/** Reasons quote topics and parser messages from the wire: a longer one is cut. */
const MAX_REASON_CHARS = 1_024;

/**
 * The reject as it leaves the connector: its payload cut to `maxEvidenceBytes` (the reason says so) and
 * its reason to MAX_REASON_CHARS, so that the size of a dead letter never depends on what a publisher sent.
 */
export function boundedReject(reject: SourceReject, maxEvidenceBytes: number): SourceReject {
  const { payload } = reject;
  let reason = reject.reason.length > MAX_REASON_CHARS ? `${reject.reason.slice(0, MAX_REASON_CHARS)}…` : reject.reason;
  if (payload.length <= maxEvidenceBytes) return reason === reject.reason ? reject : { ...reject, reason };
  const evidence = closedJsonStrings(payload.subarray(0, maxEvidenceBytes));
  reason += ` (the dead letter holds the first ${evidence.length} of its ${payload.length} bytes)`;
  return { ...reject, payload: evidence, reason };
}

/**
 * The prefix cut before a JSON string it leaves open. The gateway masks personal values in evidence by
 * whole `"key": "value"` pairs, so a value cut in half would otherwise reach the dead letter in clear.
 */
function closedJsonStrings(prefix: Buffer): Buffer {
  let openedAt = -1;
  for (let i = 0; i < prefix.length; i++) {
    const byte = prefix[i];
    if (openedAt < 0) {
      if (byte === 0x22) openedAt = i;
    } else if (byte === 0x5c)
      i++; // an escaped character, perhaps a quote
    else if (byte === 0x22) openedAt = -1;
  }
  return openedAt < 0 ? prefix : prefix.subarray(0, openedAt);
}
