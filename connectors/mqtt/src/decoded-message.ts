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
