import type { SourceEvent, SourceReading, SourceReject } from './reading';

/**
 * A batch read from a source. The runtime calls `ack()` once every reading is durable downstream (in
 * Kafka or the gateway's disk buffer); only then may the source acknowledge to its peer (MQTT PUBACK,
 * OPC UA has none). `nack()` asks for redelivery where the protocol allows it.
 */
export interface SourceBatch {
  readings: SourceReading[];
  rejects: SourceReject[];
  /** Events and alarm conditions, for sources that have them; acknowledged with the batch. */
  events?: SourceEvent[];
  ack(): Promise<void>;
  nack(reason: Error): Promise<void>;
}

/**
 * Lifecycle, documented once here:
 * - `connect()` opens the connection; it throws NotConnected when the peer is unreachable.
 * - `read(signal)` resolves with the next non-empty batch; it throws NotConnected when the connection is
 *   lost. The runtime then reconnects with backoff; a source holds no retry loop of its own.
 * - `close()` is idempotent and releases everything.
 */
export interface Source {
  connect(): Promise<void>;
  read(signal: AbortSignal): Promise<SourceBatch>;
  close(): Promise<void>;
  /**
   * Acknowledges an alarm condition at the source (OPC UA Acknowledge), for sources that have conditions;
   * rejects when the source refuses it or is not connected (the caller reports it, nothing is retried).
   */
  acknowledgeCondition?(request: ConditionAcknowledgement): Promise<void>;
}

/** An operator's acknowledgement of one event of a condition, with their comment. */
export interface ConditionAcknowledgement {
  conditionId: string;
  /** The EventId (hex) of the condition event being acknowledged. */
  eventId: string;
  comment: string;
}
