import { type KafkaPort } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { eachRecord, runStreamJob, type StreamJob, type StreamRecord, TumblingWindows } from '../../src/index';
import { type Reading, readingSchema, windowSumSchema } from './schemas';

export interface TestJobOptions {
  kafka: KafkaPort;
  serde: AvroSerde;
  groupId: string;
  input: string;
  output: string;
  /** How long each handler call takes, so a kill lands inside a batch. */
  slowMs?: number;
  /** Windowed only: run exactly-once (one Kafka transaction per batch) under this transactional.id. */
  transactionalId?: string;
  /** Upper bound on records per handler call. Default 500. */
  maxBatchRecords?: number;
  /** Called when a handler call starts, with its record count. */
  onBatch?: (records: number) => void;
  /** Windowed only: called for a record whose window had closed (a late record, counted, not summed). */
  onLate?: (asset: string, windowStart: number) => void;
}

/** Copies every reading to the output, value unchanged. */
export function passThroughJob(options: TestJobOptions): Promise<StreamJob> {
  return runStreamJob({
    name: 'test-pass-through',
    kafka: options.kafka,
    serde: options.serde,
    groupId: options.groupId,
    inputs: [options.input],
    // A restarted job waits this long for the killed one's partitions.
    sessionTimeoutMs: 6_000,
    maxBatchRecords: 500,
    outputs: { [options.output]: readingSchema },
    handler: async (records) => {
      options.onBatch?.(records.length);
      if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
      return eachRecord(records as StreamRecord<Reading>[], (r) => {
        if (r.value.v < 0) throw new Error(`negative reading ${r.value.v} from ${r.value.asset}`);
        return { topic: options.output, key: r.value.asset, value: r.value };
      });
    },
  });
}

/** Sums readings per asset in one-minute event-time windows, 20 s allowed lateness. */
export function windowedSumJob(options: TestJobOptions): Promise<StreamJob> {
  const windows = new TumblingWindows<string, { sum: number; count: number }, { sum: number; count: number }, Reading>({
    name: 'sum-1m',
    sizeMs: 60_000,
    allowedLatenessMs: 20_000,
    keyOf: (r) => r.value.asset,
    eventTimeOf: (r) => Number(r.value.at),
    init: () => ({ sum: 0, count: 0 }),
    add: (acc, r) => ({ sum: acc.sum + r.value.v, count: acc.count + 1 }),
    result: (acc) => acc,
    onLate: (_record, window) => options.onLate?.(window.key, window.start),
  });
  return runStreamJob({
    name: 'test-windowed-sum',
    kafka: options.kafka,
    serde: options.serde,
    groupId: options.groupId,
    inputs: [options.input],
    // A restarted job waits this long for the killed one's partitions.
    sessionTimeoutMs: 6_000,
    maxBatchRecords: options.maxBatchRecords ?? 500,
    outputs: { [options.output]: windowSumSchema },
    state: [windows],
    // A killed instance's open transaction holds the outputs' readers back this long at most.
    ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId, transactionTimeoutMs: 10_000 }),
    handler: async (records) => {
      options.onBatch?.(records.length);
      if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
      const closed = (records as StreamRecord<Reading>[])
        .flatMap((r) => windows.add(r))
        .map((w) => ({ topic: options.output, key: w.key, value: { asset: w.key, start: w.start, end: w.end, sum: w.value.sum, count: w.value.count } }));
      // Records stamped beyond the clock skew: to the DLQ with the reason.
      return [...closed, ...windows.takeQuarantined()];
    },
  });
}
