import { orderViolations, readingKey, unidentifiableDuplicates } from './telemetry.checks';
import type { TelemetryRecord } from './telemetry.reader';

/** One row of the product table, by the Kafka record it was written from. */
export interface WarehouseRow {
  partition: number;
  offset: string;
}

/** What the plant published (acknowledged by the broker), per output. */
export interface PublishedCounts {
  'mqtt-json': number;
  sparkplug: number;
}

export interface Reconciliation {
  published: number;
  kafka: {
    records: number;
    /** Readings the plant published that no Kafka record carries. */
    lostReadings: number;
    /** Readings in Kafka the plant did not publish (another publisher on our topics, or a broken count). */
    unexpectedReadings: number;
    /** Second and later copies of a reading (a resend after a crash or a lost acknowledgement). */
    resentCopies: number;
    /** Copies that do not share (gateway, sequence) with the first: consumers could not drop them. */
    unidentifiableDuplicates: string[];
    orderViolations: string[];
  };
  warehouse: {
    rows: number;
    /** Kafka records with no row. */
    missingRows: number;
    /** Rows beyond the first for one Kafka record (a replayed insert). */
    duplicateRows: number;
    /** Rows of no Kafka record of the topic. */
    strayRows: number;
    /** Published readings with no row. */
    lostReadings: number;
    /** Rows beyond the first for one published reading: the "exactly once" a ClickHouse reader sees. */
    duplicateReadingRows: number;
  };
}

/**
 * The Sparkplug connector marks a node's signals BAD when the node dies (NDEATH/DDEATH): those records
 * are the gateway's, not readings of the plant.
 */
function isDeathMarker(record: TelemetryRecord): boolean {
  const type = (record.value.attributes as Record<string, string> | undefined)?.['sparkplug.messageType'];
  return type === 'NDEATH' || type === 'DDEATH';
}

const PROTOCOL_OF: Record<keyof PublishedCounts, string> = { 'mqtt-json': 'MQTT_JSON', sparkplug: 'SPARKPLUG_B' };

/**
 * Simulator → Kafka → ClickHouse, record by record: every published reading is in Kafka (in order per
 * source) and every Kafka record is exactly one row; then, per reading, how many rows a reader finds.
 */
export function reconcile(published: PublishedCounts, records: TelemetryRecord[], rows: WarehouseRow[]): Reconciliation {
  const readings = records.filter((record) => !isDeathMarker(record));
  const distinct = new Map<string, Set<string>>();
  for (const record of readings) {
    const protocol = String(record.value.sourceProtocol);
    if (!distinct.has(protocol)) distinct.set(protocol, new Set());
    distinct.get(protocol)!.add(readingKey(record));
  }
  let lostReadings = 0;
  let unexpectedReadings = 0;
  for (const [output, count] of Object.entries(published) as Array<[keyof PublishedCounts, number]>) {
    const found = distinct.get(PROTOCOL_OF[output])?.size ?? 0;
    lostReadings += Math.max(0, count - found);
    unexpectedReadings += Math.max(0, found - count);
  }
  const distinctReadings = [...distinct.values()].reduce((sum, set) => sum + set.size, 0);

  const rowsPerRecord = new Map<string, number>();
  for (const row of rows) rowsPerRecord.set(`${row.partition}:${row.offset}`, (rowsPerRecord.get(`${row.partition}:${row.offset}`) ?? 0) + 1);
  const recordIds = new Set(records.map((record) => `${record.partition}:${record.offset}`));
  let missingRows = 0;
  let duplicateRows = 0;
  for (const id of recordIds) {
    const count = rowsPerRecord.get(id) ?? 0;
    if (count === 0) missingRows += 1;
    duplicateRows += Math.max(0, count - 1);
  }
  const strayRows = [...rowsPerRecord].filter(([id]) => !recordIds.has(id)).reduce((sum, [, count]) => sum + count, 0);

  const rowsPerReading = new Map<string, number>();
  for (const record of readings) {
    const key = readingKey(record);
    rowsPerReading.set(key, (rowsPerReading.get(key) ?? 0) + (rowsPerRecord.get(`${record.partition}:${record.offset}`) ?? 0));
  }
  const readingRowCounts = [...rowsPerReading.values()];

  return {
    published: published['mqtt-json'] + published.sparkplug,
    kafka: {
      records: records.length,
      lostReadings,
      unexpectedReadings,
      resentCopies: readings.length - distinctReadings,
      unidentifiableDuplicates: unidentifiableDuplicates(readings),
      orderViolations: orderViolations(readings),
    },
    warehouse: {
      rows: rows.length,
      missingRows,
      duplicateRows,
      strayRows,
      lostReadings: lostReadings + readingRowCounts.filter((count) => count === 0).length,
      duplicateReadingRows: readingRowCounts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
    },
  };
}
