import type { SourceReading } from '@fieldmesh/connect';
import { decodeEnvelope } from '../buffer/envelope';
import type { BufferedRecord } from '../buffer/segment-log';
import type { RedeliveryConfig } from './redelivery.config';
import { CONNECTOR_HEADER, READING_ID_HEADER, READING_IDS_SEPARATOR, readingId } from './reading.identity';

/** A reading to buffer, with the id it is remembered by. */
export interface FreshReading {
  reading: SourceReading;
  id: string;
}

/**
 * Recognises readings a source delivers again so they are not buffered twice (each copy would get its own
 * sequence number, and no consumer could tell them apart). MQTT QoS 1 redelivers by design: after a gateway
 * crash before the PUBACK, after a reconnect, and when a broker restarted from its last save resends messages
 * the gateway already acknowledged. So the window is kept at all times, not only after a gateway restart.
 *
 * Memory is bounded: per connector, the ids of the last `recentReadingsPerConnector` readings buffered, the
 * oldest forgotten first. Ids are remembered only once their batch is durable: a batch the buffer refused
 * is not acknowledged, and its redelivery must be buffered.
 */
export class RedeliveryFilter {
  private readonly windows = new Map<string, RecentIds>();

  constructor(private readonly config: RedeliveryConfig) {}

  /** Remembers records already buffered (the previous run's tail), by the connector and reading ids (one, or a batch's) they carry. */
  seed(records: Iterable<BufferedRecord>): void {
    for (const record of records) {
      const { headers } = decodeEnvelope(record.payload);
      const ids = headers[READING_ID_HEADER];
      const connector = headers[CONNECTOR_HEADER];
      if (ids !== undefined && connector !== undefined) this.remember(connector, ids.split(READING_IDS_SEPARATOR));
    }
  }

  /** The readings of a batch not buffered recently (a reading repeated within the batch counts once), and how many were dropped. */
  screen(connector: string, readings: readonly SourceReading[]): { fresh: FreshReading[]; redelivered: number } {
    const window = this.windows.get(connector);
    const inBatch = new Set<string>();
    const fresh: FreshReading[] = [];
    for (const reading of readings) {
      const id = readingId(reading);
      if (window?.has(id) || inBatch.has(id)) continue;
      inBatch.add(id);
      fresh.push({ reading, id });
    }
    return { fresh, redelivered: readings.length - fresh.length };
  }

  /** Records ids as buffered, forgetting the connector's oldest beyond the configured window. */
  remember(connector: string, ids: Iterable<string>): void {
    let window = this.windows.get(connector);
    if (!window) {
      window = new RecentIds(this.config.recentReadingsPerConnector);
      this.windows.set(connector, window);
    }
    for (const id of ids) window.add(id);
  }
}

/**
 * The last `capacity` ids added, oldest forgotten first: a ring of ids and a count per id (an id added
 * again while remembered stays until its newest copy leaves the ring). A Set kept in insertion order did
 * the same, but took an iterator per eviction and a delete and re-insert per id: in the bench's CPU
 * profile the window cost more than the Avro encoding of the readings.
 */
class RecentIds {
  private readonly ring: Array<string | undefined>;
  private readonly counts = new Map<string, number>();
  private next = 0;

  constructor(capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  has(id: string): boolean {
    return this.counts.has(id);
  }

  add(id: string): void {
    const oldest = this.ring[this.next];
    if (oldest !== undefined) {
      const count = this.counts.get(oldest)!;
      if (count === 1) this.counts.delete(oldest);
      else this.counts.set(oldest, count - 1);
    }
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }
}
