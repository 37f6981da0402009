import type { SourceReading, SourceReject } from './reading';

/**
 * A batch read from a source. The runtime calls `ack()` once every reading is durable downstream (in
 * Kafka or the gateway's disk buffer); only then may the source acknowledge to its peer (MQTT PUBACK,
 * OPC UA has none). `nack()` asks for redelivery where the protocol allows it.
 */
export interface SourceBatch {
  readings: SourceReading[];
  rejects: SourceReject[];
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
}
