import {
  type BatchCommit,
  type CommitOffset,
  type ConsumedBatch,
  type ConsumedRecord,
  type DeadLetter,
  DlqWriter,
  type KafkaAdminPort,
  type KafkaPort,
  type KafkaProducerPort,
  type OutgoingRecord,
  type ProducerOptions,
  type RecordMetadata,
  type TopicPartition,
} from '@fieldmesh/kafka';
import { type AvroSerde, decodeBatch, type WriterSchema } from '@fieldmesh/serde';
import { processBatch } from './batch.processor';
import { CheckpointStore, type JobCheckpoint } from './checkpoint.store';
import { ContractRulesGuard, RULE_STAGES, type RuleViolationCount, type StreamJobRules } from './contract-rules.guard';
import { UndeclaredOutputTopic, type RecordFailed } from './errors';
import { keepLowest, partitionKey, type PartitionOffset } from './partition.position';
import type { InputProgress, ReplayableState } from './replayable.state';
import { parseStreamJobSettings } from './stream-job.config';
import { toStreamRecord } from './stream-record.mapper';
import type { StreamHandler } from './stream-handler.types';
import type { StreamOutput, StreamRecord } from './stream.types';

/** What a lineage emitter learns about a job: its datasets, at start and at stop. */
export interface StreamJobDescription {
  name: string;
  groupId: string;
  inputs: string[];
  /** Output topic → Avro schema. */
  outputs: Record<string, object>;
}

/** Optional hooks, e.g. an OpenLineage emitter sending START and COMPLETE run events. */
export interface StreamJobLineage {
  started(job: StreamJobDescription): Promise<void> | void;
  stopped(job: StreamJobDescription, stats: StreamJobStats): Promise<void> | void;
}

/** What the job needs of the serde: an AvroSerde, or an in-memory one in unit tests. */
export type StreamJobSerde = Pick<AvroSerde, 'writerFor' | 'encode' | 'decode'>;

export interface StreamJobOptions {
  name: string;
  kafka: KafkaPort;
  serde: StreamJobSerde;
  groupId: string;
  inputs: string[];
  /** Output topic → Avro schema; looked up (or registered) once at start. */
  outputs: Record<string, object>;
  handler: StreamHandler;
  /** Upper bound on records per handler call. Default 2000. */
  maxBatchRecords?: number;
  /** How long a fetch waits to fill a batch. Default 100 ms. */
  maxWaitMs?: number;
  /** How long the group waits for a silent member before a restarted job gets its partitions. Default 30 s. */
  sessionTimeoutMs?: number;
  /** Where a group with no committed offsets starts: true (default) at the inputs' beginning, false at their ends. */
  fromBeginning?: boolean;
  /** States that hold records across batches (TumblingWindows): offsets are committed only below what they hold. */
  state?: ReplayableState[];
  lineage?: StreamJobLineage;
  producer?: ProducerOptions;
  /**
   * The contracts' quality rules of the inputs and outputs (compileContractRules): an input that breaks
   * one is dead-lettered before the handler sees it, an output that breaks one is dead-lettered to its
   * own topic's DLQ instead of being produced. Either way the job goes on and counts it.
   */
  rules?: StreamJobRules;
  /**
   * Exactly-once, for a job run as several instances in one group: each batch's dead letters, outputs, offsets
   * and per-partition checkpoints go in one Kafka transaction under this transactional.id, so a kill -9
   * anywhere leaves either all of a batch's effects or none, and a partition that moves to another instance
   * carries its windows' watermark and read position with its commit. Unique per instance and the same
   * across its restarts (e.g. `<groupId>.<instance>`). Needs the platformatic client; readers of the outputs
   * must read committed only (both of the platform's adapters do).
   */
  transactionalId?: string;
  /** Exactly-once only: how long a killed instance's open transaction holds readers back before the broker aborts it. Default 60 s. */
  transactionTimeoutMs?: number;
}

export interface StreamJobStats {
  batches: number;
  recordsIn: number;
  recordsOut: number;
  /**
   * Records sent to a DLQ, by stage. `validateInput`: inputs that broke their contract's rules (on the
   * input's DLQ); `validateOutput`: outputs that broke theirs (on the output's DLQ, not produced). Those
   * two are always reported by runStreamJob; optional only for stats built elsewhere.
   */
  deadLettered: { deserialize: number; process: number; validateInput?: number; validateOutput?: number };
  /** Each rule of a contract that records broke, per side and topic (set by runStreamJob, empty without rules). */
  ruleViolations?: RuleViolationCount[];
  /** Batches that failed (decode, produce or commit) and were replayed from the committed offsets. */
  replays: number;
  /**
   * Of recordsIn, those its windowed states took that owe no output (replays of windows emitted before a
   * restart, late records): a job reading only such records produces nothing and is not stalled.
   */
  recordsOwingNoOutput: number;
}

export interface StreamJob {
  stats(): StreamJobStats;
  /** Finishes the batch in progress (outputs acknowledged and committed), then leaves the group. Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs a domain handler over Kafka topics: decode a batch (bad bytes → `<topic>.dlq`, stage
 * 'deserialize'), run the handler (RecordFailed → DLQ, stage 'process'), produce the dead letters and
 * then the outputs with acks=all, and only then let the consumer commit. A crash or a failed send
 * anywhere before the commit replays the batch; nothing is lost. (Dead letters go first: a replay after a
 * failed output send repeats a dead letter, never an output row.)
 *
 * With `state`, the commit per partition stops at the oldest record an open window still holds (the
 * commit low-watermark), and a checkpoint (watermarks, read positions) is sent once the batch's dead
 * letters and outputs are acknowledged, so a restart rebuilds the open windows from the replay and skips
 * records of windows it had already emitted. The states are also told, before each batch, which input
 * partitions still have records to come (InputProgress, from the topics' end offsets), so that windows
 * wait for a partition that is behind instead of closing over it.
 */
export async function runStreamJob(options: StreamJobOptions): Promise<StreamJob> {
  const settings = parseStreamJobSettings({
    name: options.name,
    groupId: options.groupId,
    inputs: options.inputs,
    outputTopics: Object.keys(options.outputs),
    maxBatchRecords: options.maxBatchRecords,
    maxWaitMs: options.maxWaitMs,
    sessionTimeoutMs: options.sessionTimeoutMs,
  });
  const { kafka, serde, handler } = options;
  const states = options.state ?? [];
  const description: StreamJobDescription = { name: settings.name, groupId: settings.groupId, inputs: settings.inputs, outputs: options.outputs };

  const writers = new Map<string, WriterSchema>();
  for (const [topic, schema] of Object.entries(options.outputs)) writers.set(topic, await serde.writerFor(topic, schema));
  const guard = new ContractRulesGuard(settings.name, options.rules);
  const encode = (output: StreamOutput): EncodedOutput => {
    const writer = writers.get(output.topic);
    if (!writer) throw new UndeclaredOutputTopic(settings.name, output.topic, [...writers.keys()]);
    const record = { topic: output.topic, key: output.key, value: serde.encode(writer, output.value), headers: output.headers, timestamp: output.timestamp };
    // Checked once it encodes: a value of the wrong type is the schema's failure (the record's, in processing), not a rule's.
    const broken = guard.checkOutput(output.topic, output.value);
    return broken ? { record, broken } : { record };
  };

  const exactlyOnce = options.transactionalId !== undefined;
  // Exactly-once jobs keep each partition's checkpoint in the metadata of its own commit instead.
  const checkpoints = states.length > 0 && !exactlyOnce ? new CheckpointStore(kafka, settings.groupId) : undefined;
  let checkpoint: JobCheckpoint = (await checkpoints?.load()) ?? { watermarks: {}, readUntil: {} };
  const restoreStates = (): void => {
    const readUntil = new Map(Object.entries(checkpoint.readUntil).map(([at, offset]) => [at, BigInt(offset)]));
    for (const state of states) state.restore({ watermark: checkpoint.watermarks[state.name] ?? Number.NEGATIVE_INFINITY, readUntil });
  };
  restoreStates();

  const producer = kafka.producer(options.producer);
  await producer.connect();
  const admin = states.length > 0 ? kafka.admin() : undefined;
  await admin?.connect();
  // Exactly-once: dead letters and outputs are staged, then produced by the consumer in the batch's transaction.
  const staged = exactlyOnce ? new StagedRecords() : undefined;
  const sender: KafkaProducerPort = staged ?? producer;
  const dlq = new DlqWriter(sender);
  /** Exactly-once: the committed positions the consumer resumed from, whose checkpoints the states hold. */
  let resumedFrom: CommitOffset[] | undefined;
  const restorePartitions = (from: CommitOffset[], assignment: TopicPartition[] | undefined): void => {
    const { readUntil, watermarks } = partitionCheckpoints(from);
    // A partition of the share that no one has committed yet had none of its windows emitted: it starts at the
    // beginning of time. Left out, the instance's time would start at the others' horizons and make its first
    // windows late (the exactly-once test lost the first two minutes of a partition taken over so).
    const uncommitted = (assignment ?? []).map((p) => partitionKey(p.topic, p.partition)).filter((at) => !readUntil.has(at));
    for (const state of states) {
      const partitionWatermarks = new Map(watermarks.get(state.name) ?? []);
      for (const at of uncommitted) partitionWatermarks.set(at, Number.NEGATIVE_INFINITY);
      state.restore({ watermark: Number.NEGATIVE_INFINITY, readUntil, partitionWatermarks });
    }
    positions = new Map();
    committed = Promise.resolve(new Map(from.map((c) => [partitionKey(c.topic, c.partition), BigInt(c.offset)])));
  };
  const stats: Omit<StreamJobStats, 'recordsOwingNoOutput'> = { batches: 0, recordsIn: 0, recordsOut: 0, deadLettered: { deserialize: 0, process: 0 }, replays: 0 };
  /** Next offset to read per partition, as far as this process has read since the last restore. */
  let positions = new Map<string, PartitionOffset>();
  /** The group's committed offsets as of the last restore: where partitions not read since then resume. */
  let committed: Promise<Map<string, bigint>> | undefined;

  const forgetUncommitted = (): void => {
    // Delivery resumes from the committed offsets: rebuild state from the last checkpoint.
    positions = new Map();
    committed = undefined;
    restoreStates();
    stats.replays += 1;
  };

  const tellProgress = async (inBatch: Iterable<string>, next: Map<string, PartitionOffset>, assignment: TopicPartition[] | undefined): Promise<void> => {
    if (!admin) return;
    committed ??= committedOffsets(admin, settings.groupId, settings.inputs);
    const assigned = assignment && new Set(assignment.map((p) => partitionKey(p.topic, p.partition)));
    // Where the consumer stands, past transaction markers: an input written in transactions ends with one, which no record reaches.
    const consumed = new Map((consumer.positions?.() ?? []).map((p) => [partitionKey(p.topic, p.partition), BigInt(p.offset)]));
    const progress = await inputProgress(admin, settings.inputs, inBatch, next, await committed, assigned, consumed);
    for (const state of states) state.progress?.(progress);
  };

  const onBatch = async ({ records, assignment, resumedFrom: from }: ConsumedBatch): Promise<void | BatchCommit> => {
    const ends = batchEnds(records);
    if (from && from !== resumedFrom) {
      // The consumer went back to the committed positions (a rebalance, or a batch that failed): so do the states.
      if (resumedFrom) stats.replays += 1;
      resumedFrom = from;
      restorePartitions(from, assignment);
    } else if (states.length > 0 && !exactlyOnce && isRedelivery(records, positions)) forgetUncommitted();
    try {
      const next = new Map(positions);
      for (const [at, end] of ends) next.set(at, end);
      await tellProgress(ends.keys(), next, assignment);
      const { decoded, failures } = await decodeBatch(serde, records);
      const letters: DeadLetter[] = failures.map(({ record, error }) => ({ record, error, stage: 'deserialize' }));
      const consumed: ConsumedRecord[] = [];
      const input: StreamRecord<unknown>[] = [];
      for (const entry of decoded) {
        const broken = guard.checkInput(entry.record.topic, entry.value);
        if (broken) {
          letters.push({ record: entry.record, error: broken, stage: RULE_STAGES.input });
          continue;
        }
        consumed.push(entry.record);
        input.push(toStreamRecord(entry.record, entry.value));
      }
      const processed = await processBatch(handler, input, encode);
      if (processed.failed.length > 0) letters.push(...deadLettersOf(processed.failed, consumed, input));
      const outgoing: OutgoingRecord[] = [];
      for (const { record, broken } of processed.encoded) {
        if (broken) letters.push({ record: unproduced(record, settings.name), error: broken, stage: RULE_STAGES.output });
        else outgoing.push(record);
      }
      // Built now, kept only once sent: until then a failure must restore the previous checkpoint, or
      // the replay would skip this batch's windows and late records as already emitted.
      const nextCheckpoint: JobCheckpoint | undefined = checkpoints && {
        watermarks: Object.fromEntries(states.map((state) => [state.name, state.watermark()])),
        readUntil: Object.fromEntries([...next].map(([at, p]) => [at, p.offset.toString()])),
      };
      let commit: BatchCommit | undefined;
      if (checkpoints || (exactlyOnce && states.length > 0)) {
        const lowest = new Map<string, PartitionOffset>(next);
        for (const state of states) keepLowest(lowest, state.heldOffsets());
        commit = {
          commit: [...lowest].map(([at, p]) => ({
            topic: p.topic,
            partition: p.partition,
            offset: p.offset.toString(),
            ...(exactlyOnce ? { metadata: partitionCheckpoint(states, at, next.get(at)?.offset ?? p.offset) } : {}),
          })),
        };
      }
      await dlq.write(letters);
      if (outgoing.length > 0) await sender.send(outgoing);
      if (staged) commit = { commit: commit?.commit ?? batchCommitOf(next), produce: staged.take() };
      // Its own send, after the outputs: a checkpoint never stands for outputs that were not acknowledged.
      if (checkpoints && nextCheckpoint) {
        await producer.send([checkpoints.record(nextCheckpoint)]);
        checkpoint = nextCheckpoint;
      }
      positions = next;
      stats.batches += 1;
      stats.recordsIn += records.length;
      stats.recordsOut += outgoing.length;
      stats.deadLettered.deserialize += failures.length;
      stats.deadLettered.process += processed.failed.length;
      guard.count(letters);
      return commit;
    } catch (error) {
      staged?.take();
      if (exactlyOnce) resumedFrom = undefined;
      else if (states.length > 0) forgetUncommitted();
      else stats.replays += 1;
      throw error;
    }
  };

  const consumer = kafka.consumer({
    groupId: settings.groupId,
    topics: settings.inputs,
    fromBeginning: options.fromBeginning ?? true,
    maxBatchRecords: settings.maxBatchRecords,
    maxWaitMs: settings.maxWaitMs,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId }),
    ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
  });
  await consumer.connect();
  await consumer.run(onBatch);
  await options.lineage?.started(description);

  let closing: Promise<void> | undefined;
  const snapshot = (): StreamJobStats => ({
    ...stats,
    deadLettered: { ...stats.deadLettered, validateInput: guard.deadLettered().inputs, validateOutput: guard.deadLettered().outputs },
    ruleViolations: guard.violations(),
    recordsOwingNoOutput: states.reduce((sum, state) => sum + (state.recordsOwingNoOutput?.() ?? 0), 0),
  });
  return {
    stats: snapshot,
    close() {
      closing ??= (async () => {
        await consumer.disconnect();
        await producer.disconnect();
        await admin?.disconnect();
        await options.lineage?.stopped(description, snapshot());
      })();
      return closing;
    },
  };
}

/**
 * A producer port that only collects: an exactly-once job's dead letters and outputs wait here until the
 * consumer produces them in the batch's transaction.
 */
class StagedRecords implements KafkaProducerPort {
  private records: OutgoingRecord[] = [];

  async connect(): Promise<void> {}

  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    this.records.push(...records);
    // Not written yet, so no offsets: the transaction writes them or nothing.
    return records.map((record) => ({ topic: record.topic, partition: record.partition ?? -1, baseOffset: '-1' }));
  }

  take(): OutgoingRecord[] {
    const taken = this.records;
    this.records = [];
    return taken;
  }

  async disconnect(): Promise<void> {}
}

/** What an exactly-once job keeps with one partition's commit: each state's watermark for it and how far the job read it. */
interface PartitionCheckpoint {
  /** Watermark per state name, epoch ms. */
  w: Record<string, number>;
  /** Next offset not yet read. */
  r: string;
}

function partitionCheckpoint(states: ReplayableState[], at: string, readUntil: bigint): string {
  const checkpoint: PartitionCheckpoint = {
    w: Object.fromEntries(states.map((state) => [state.name, state.partitionWatermark?.(at) ?? state.watermark()])),
    r: readUntil.toString(),
  };
  return JSON.stringify(checkpoint);
}

/** The per-partition checkpoints in the metadata of committed positions; a commit without one (or an unreadable one) restores nothing. */
function partitionCheckpoints(commits: CommitOffset[]): { readUntil: Map<string, bigint>; watermarks: Map<string, Map<string, number>> } {
  const readUntil = new Map<string, bigint>();
  const watermarks = new Map<string, Map<string, number>>();
  for (const { topic, partition, metadata } of commits) {
    const checkpoint = parseCheckpoint(metadata);
    if (!checkpoint) continue;
    const at = partitionKey(topic, partition);
    readUntil.set(at, BigInt(checkpoint.r));
    for (const [state, watermark] of Object.entries(checkpoint.w)) {
      const byPartition = watermarks.get(state) ?? new Map<string, number>();
      byPartition.set(at, watermark);
      watermarks.set(state, byPartition);
    }
  }
  return { readUntil, watermarks };
}

function parseCheckpoint(metadata: string | null | undefined): PartitionCheckpoint | undefined {
  if (!metadata) return undefined;
  try {
    const parsed = JSON.parse(metadata) as Partial<PartitionCheckpoint>;
    return typeof parsed.r === 'string' && typeof parsed.w === 'object' && parsed.w !== null ? (parsed as PartitionCheckpoint) : undefined;
  } catch {
    return undefined;
  }
}

/** Commits the next offset of every partition read (a job without windowed state). */
function batchCommitOf(next: Map<string, PartitionOffset>): CommitOffset[] {
  return [...next.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset.toString() }));
}

/** An encoded output, and why it must not be produced when it breaks its contract's rules. */
interface EncodedOutput {
  record: OutgoingRecord;
  broken?: Error;
}

/**
 * An output that was never produced, as a dead letter: its encoded bytes (framed with the schema id
 * registered for its topic, so the DLQ decodes against that topic), no partition or offset (-1), and the
 * job that computed it in a header.
 */
function unproduced(record: OutgoingRecord, job: string): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) if (value !== undefined && value !== null) headers[name] = Buffer.from(value);
  headers[PRODUCED_BY_HEADER] = Buffer.from(job);
  return {
    topic: record.topic,
    partition: -1,
    offset: '-1',
    key: record.key === undefined || record.key === null ? null : Buffer.from(record.key),
    value: record.value,
    headers,
    timestamp: record.timestamp ?? Date.now(),
  };
}

/** Names the job that computed a dead-lettered output. */
export const PRODUCED_BY_HEADER = 'fieldmesh.produced-by';

/** Next offset per partition after this batch. */
function batchEnds(records: ConsumedRecord[]): Map<string, PartitionOffset> {
  const last = new Map<string, ConsumedRecord>();
  for (const record of records) last.set(partitionKey(record.topic, record.partition), record);
  const ends = new Map<string, PartitionOffset>();
  for (const [at, record] of last) ends.set(at, { topic: record.topic, partition: record.partition, offset: BigInt(record.offset) + 1n });
  return ends;
}

/** The committed offset of every partition of the inputs that has one. */
async function committedOffsets(admin: KafkaAdminPort, groupId: string, topics: string[]): Promise<Map<string, bigint>> {
  const offsets = new Map<string, bigint>();
  for (const topic of topics) {
    for (const { partition, offset } of await admin.fetchGroupOffsets(groupId, topic)) {
      if (BigInt(offset) >= 0n) offsets.set(partitionKey(topic, partition), BigInt(offset));
    }
  }
  return offsets;
}

/**
 * The partitions with records still to come: those of this batch, and those whose end offset is beyond
 * where the job has read (this process's read position, else the committed offset). A partition with
 * no known position counts as pending whenever it has records at all; the windows' idle timeout lets
 * it go if none come (e.g. a log emptied by retention). `consumed` is where the consumer stands when it
 * can tell (past the commit marker that ends a transactional input, which no record reaches). Partitions the group gave another member (when
 * the consumer says which it assigned) hold nothing here.
 */
async function inputProgress(
  admin: KafkaAdminPort,
  topics: string[],
  inBatch: Iterable<string>,
  next: Map<string, PartitionOffset>,
  committed: Map<string, bigint>,
  assigned: ReadonlySet<string> | undefined,
  consumed: ReadonlyMap<string, bigint>,
): Promise<InputProgress> {
  const pending = new Set(inBatch);
  const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicEndOffsets(topic) })));
  for (const { topic, partitions } of ends) {
    for (const { partition, offset } of partitions) {
      const at = partitionKey(topic, partition);
      if (assigned && !assigned.has(at)) continue;
      const read = next.get(at)?.offset ?? committed.get(at) ?? 0n;
      const position = (consumed.get(at) ?? 0n) > read ? consumed.get(at)! : read;
      if (BigInt(offset) > position) pending.add(at);
    }
  }
  return { pending };
}

/** A batch that starts before where this process had read: the consumer went back to the committed offsets. */
function isRedelivery(records: ConsumedRecord[], positions: Map<string, PartitionOffset>): boolean {
  const seen = new Set<string>();
  for (const record of records) {
    const at = partitionKey(record.topic, record.partition);
    if (seen.has(at)) continue;
    seen.add(at);
    const position = positions.get(at);
    if (position && BigInt(record.offset) < position.offset) return true;
  }
  return false;
}

/** The consumed bytes of each failed record, so the DLQ gets them unchanged. */
function deadLettersOf(failed: RecordFailed[], consumed: ConsumedRecord[], input: StreamRecord<unknown>[]): DeadLetter[] {
  const byRecord = new Map<StreamRecord<unknown>, ConsumedRecord>();
  for (let i = 0; i < input.length; i += 1) byRecord.set(input[i] as StreamRecord<unknown>, consumed[i] as ConsumedRecord);
  return failed.map((failure) => ({
    record: byRecord.get(failure.record) ?? fromStreamRecord(failure.record),
    error: failure.cause ?? failure,
    stage: 'process',
  }));
}

/** A failure named a record that is not one of the batch's (built by the handler): keep its position at least. */
function fromStreamRecord(record: StreamRecord<unknown>): ConsumedRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : Buffer.from(record.key),
    value: null,
    headers: Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, Buffer.from(value)])),
    timestamp: record.timestamp,
  };
}
