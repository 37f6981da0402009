import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SegmentLogStats } from '../buffer/segment-log';

/**
 * The gateway's Prometheus metrics; names follow Prometheus conventions (unit suffixes, _total counters).
 * prom-client's process metrics come with them (`process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`, …).
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  readonly readingsIn = new Counter({
    name: 'fieldmesh_gateway_readings_received_total',
    help: 'Readings received from sources',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly readingsAccepted = new Counter({
    name: 'fieldmesh_gateway_readings_accepted_total',
    help: 'Readings that passed the contract and were buffered for Kafka',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'fieldmesh_gateway_dead_letters_total',
    help: 'Messages sent to the dead-letter topic',
    labelNames: ['connector', 'stage', 'error'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'fieldmesh_gateway_redelivered_duplicates_total',
    help: 'Readings a source delivered again (after a gateway crash, a reconnect or a broker restored from its last save) that the gateway had buffered recently: dropped',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly forwarded = new Counter({ name: 'fieldmesh_gateway_records_forwarded_total', help: 'Records acknowledged by Kafka', registers: [this.registry] });
  readonly dropped = new Gauge({
    name: 'fieldmesh_gateway_buffer_dropped_records',
    help: 'Records dropped because the disk buffer was full (drop-oldest policy), since start',
    registers: [this.registry],
  });
  readonly bufferBytes = new Gauge({ name: 'fieldmesh_gateway_buffer_bytes', help: 'Bytes in the disk buffer', registers: [this.registry] });
  readonly bufferPending = new Gauge({ name: 'fieldmesh_gateway_buffer_pending_records', help: 'Records buffered and not yet acknowledged by Kafka', registers: [this.registry] });
  readonly forwardLag = new Gauge({
    name: 'fieldmesh_gateway_forward_lag_seconds',
    help: 'Age of the oldest record in the last batch Kafka acknowledged',
    registers: [this.registry],
  });
  readonly uplink = new Gauge({ name: 'fieldmesh_gateway_uplink_up', help: '1 when Kafka accepts records, 0 while buffering', registers: [this.registry] });
  readonly connectorUp = new Gauge({
    name: 'fieldmesh_gateway_connector_up',
    help: '1 when the source connector is connected',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly reconnects = new Counter({
    name: 'fieldmesh_gateway_connector_reconnects_total',
    help: 'Source reconnect attempts',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly bufferErrors = new Counter({
    name: 'fieldmesh_gateway_buffer_errors_total',
    help: 'Disk buffer reads or checkpoint writes that failed in the forwarder (retried)',
    registers: [this.registry],
  });

  /** The disk buffer's own failure counters, read at each scrape. */
  observeBuffer(stats: () => SegmentLogStats): void {
    const counters: Array<[string, string, (s: SegmentLogStats) => number]> = [
      [
        'fieldmesh_gateway_buffer_rejected_appends_total',
        'Appends the disk refused (full, short write, failed fsync): rejected, their sources not acknowledged',
        (s) => s.rejectedAppends,
      ],
      ['fieldmesh_gateway_buffer_rejected_records_total', 'Records in appends the disk refused', (s) => s.rejectedRecords],
      ['fieldmesh_gateway_buffer_failed_flushes_total', "Background fsyncs of the disk buffer that failed ('interval' policy)", (s) => s.failedFlushes],
      ['fieldmesh_gateway_buffer_failed_checkpoints_total', 'Checkpoint writes that failed (written again on the next commit)', (s) => s.failedCheckpoints],
    ];
    for (const [name, help, read] of counters) {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          // The buffer owns the count; a counter mirrors it at scrape time.
          this.reset();
          this.inc(read(stats()));
        },
      });
    }
  }
}
