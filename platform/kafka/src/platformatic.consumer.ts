import { addPartitionsToTxnV3, Consumer, type ConsumerGroupJoinPayload, kGetApi, type MessagesStream, ProduceAcks, Producer } from '@platformatic/kafka';
import { AssignmentFence, type Membership } from './assignment.fence';
import type { ConsumerSettings } from './config';
import { KafkaNotConnected } from './errors';
import { commitInGeneration, commitInTransaction, type CommitPosition, fetchStableCommits } from './platformatic.commit';
import { type BaseOptions, ignoreLateConnectionErrors, type KafkaMessage } from './platformatic.base';
import { javaCompatiblePartitioner, toPlatformaticMessage } from './platformatic.records';
import type { BatchCommit, BatchHandler, CommitOffset, ConsumedRecord, KafkaConsumerPort, OutgoingRecord } from './ports';
import { sleep } from './records';

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type TransactionalProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

/** The generation of a stream opened while the group was rebalancing: whatever it reads is dropped. */
const NO_GENERATION = -1;
/** Subscription user data sent with every JoinGroup: the round-robin assignor reads none. */
const NO_USER_DATA = Buffer.alloc(0);

/**
 * The library delivers a stream of single messages; this consumer groups them into batches of at most
 * maxBatchRecords, hands each batch to the handler and commits the next offset of every partition in it
 * only when the handler's promise resolves. When the handler rejects (or the commit or the stream fails),
 * a new stream starts from the committed offsets, which delivers the failed batch again and loses nothing.
 *
 * Rebalances (see AssignmentFence): before each JoinGroup the library sends (its protocolsMetadata hook),
 * this member drops what it fetched, pauses its stream and waits until the batch in flight has settled and
 * committed. After the join it reads its new share from a new stream, opened at the committed offsets: the
 * library's stream would carry on with fetch requests of the old assignment still in flight across the join,
 * whose answers move its read positions past records nobody handled.
 *
 * Exactly-once (settings.transactionalId): each new stream first reads the committed positions of its share
 * with their metadata, waiting out offsets of open transactions (requireStable), and hands them to every
 * batch as `resumedFrom`; records below them are dropped (the stream's own start may be an older stable
 * commit). A batch's `produce` records and its positions are then sent in one transaction, the positions
 * fenced by the batch's generation; any failure aborts it and the batch comes again.
 */
export class PlatformaticConsumer implements KafkaConsumerPort {
  private consumer: Client | undefined;
  private readonly fence = new AssignmentFence();
  private stream: Stream | undefined;
  /** The generation whose share the current stream reads; its records count only while that generation lasts. */
  private streamGeneration = NO_GENERATION;
  private buffer: KafkaMessage[] = [];
  private streamError: unknown;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Exactly-once only: the producer whose transactions carry outputs and commits, made when first needed. */
  private transactional: TransactionalProducer | undefined;
  /** Exactly-once only: the committed positions the current stream resumed from. */
  private resumed: Promise<CommitOffset[]> | undefined;
  /** The batch handed to the handler and not settled yet. */
  private inFlight: KafkaMessage[] = [];

  constructor(
    private readonly base: BaseOptions,
    private readonly settings: ConsumerSettings,
  ) {}

  async connect(): Promise<void> {
    if (this.consumer) return;
    const s = this.settings;
    const consumer: Client = new Consumer({
      ...this.base,
      groupId: s.groupId,
      autocommit: false,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: Math.floor(s.sessionTimeoutMs / 10),
      maxWaitTime: s.maxWaitMs,
      protocolsMetadata: () => this.beforeJoin(),
    });
    ignoreLateConnectionErrors(consumer);
    // A rejoin that fails after a failed heartbeat is the client's 'error' event, which would end the process
    // uncaught: the pump starts the stream again instead, and a consumer that lost its member id joins anew.
    consumer.on('error', (error: unknown) => this.failStream(error));
    consumer.on('consumer:group:join', (joined) => this.joined(joined));
    try {
      await consumer.metadata({ topics: [] });
    } catch (error) {
      await consumer.close();
      throw error;
    }
    this.consumer = consumer;
  }

  async run(handler: BatchHandler): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) throw new KafkaNotConnected('consumer');
    this.running = true;
    await this.replaceStream(consumer);
    this.loop = this.pump(consumer, handler);
  }

  /** Runs before every JoinGroup: this member gives up its share once its batch in flight is committed. */
  private async beforeJoin(): Promise<Buffer> {
    this.buffer = [];
    this.stream?.pause();
    await this.fence.revoke();
    return NO_USER_DATA;
  }

  private joined({ memberId, generationId, assignments }: ConsumerGroupJoinPayload): void {
    const partitions = (assignments ?? []).flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
    this.fence.assign({ memberId, generationId: generationId ?? NO_GENERATION, partitions });
    this.wake?.();
  }

  /** Reads the current share from its committed offsets, dropping what the previous stream had fetched. */
  private async replaceStream(consumer: Client): Promise<void> {
    const previous = this.stream;
    this.stream = undefined;
    this.buffer = [];
    this.streamError = undefined;
    previous?.pause();
    try {
      // Opened before the previous stream closes, so the topics stay subscribed and the group does not rebalance.
      const stream = await consumer.consume({
        topics: this.settings.topics,
        autocommit: false,
        mode: 'committed',
        fallbackMode: this.settings.fromBeginning ? 'earliest' : 'latest',
        maxWaitTime: this.settings.maxWaitMs,
        sessionTimeout: this.settings.sessionTimeoutMs,
        heartbeatInterval: Math.floor(this.settings.sessionTimeoutMs / 10),
      });
      ignoreLateConnectionErrors(stream);
      this.stream = stream;
      this.streamGeneration = this.fence.membership?.generationId ?? NO_GENERATION;
      this.resumed = this.settings.transactionalId === undefined ? undefined : this.resumeFrom(consumer);
      stream.on('data', (message: KafkaMessage) => {
        if (this.stream !== stream || !this.isCurrent(message)) return;
        this.buffer.push(message);
        // Backpressure: stop fetching while a couple of batches wait for the handler.
        if (this.buffer.length >= 2 * this.settings.maxBatchRecords) stream.pause();
        this.wake?.();
      });
      stream.on('error', (error: unknown) => {
        if (this.stream === stream) this.failStream(error);
      });
    } finally {
      await previous?.close().catch(() => undefined);
    }
  }

  /** The pump starts the stream again from the committed offsets. */
  private failStream(error: unknown): void {
    this.streamError = error;
    this.wake?.();
  }

  /** The committed positions (with metadata) of the current share; a failure restarts the stream. */
  private resumeFrom(consumer: Client): Promise<CommitOffset[]> {
    const resumed = fetchStableCommits(consumer, this.fence.membership?.partitions ?? []);
    resumed.catch((error: unknown) => {
      if (this.resumed === resumed) this.failStream(error);
    });
    return resumed;
  }

  /** A record of a partition this member owns, read by the stream of the generation that gave it. */
  private isCurrent(message: KafkaMessage): boolean {
    return this.fence.membership?.generationId === this.streamGeneration && this.fence.owns(message.topic, message.partition);
  }

  /** Starts again from the committed offsets; a broker that cannot be reached is tried again next round. */
  private async restart(consumer: Client, backoff: boolean): Promise<void> {
    if (backoff) await sleep(this.settings.retryBackoffMs);
    if (!this.running) return;
    await this.replaceStream(consumer).catch((error: unknown) => {
      this.streamError = error;
    });
  }

  private hasWork(): boolean {
    if (!this.running || this.streamError !== undefined) return true;
    const membership = this.fence.membership;
    // Without a membership a rebalance is under way, and the join wakes the loop.
    return membership !== undefined && (this.streamGeneration !== membership.generationId || this.buffer.length > 0);
  }

  private waitForWork(): Promise<void> {
    if (this.hasWork()) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        if (!this.hasWork()) return;
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async pump(consumer: Client, handler: BatchHandler): Promise<void> {
    while (this.running) {
      await this.waitForWork();
      if (!this.running) break;
      if (this.streamError !== undefined) {
        await this.restart(consumer, true);
        continue;
      }
      const membership = this.fence.membership;
      if (membership && this.streamGeneration !== membership.generationId) {
        await this.restart(consumer, false);
        continue;
      }
      // One fetch response arrives as a burst of synchronous 'data' events: let it land before cutting.
      await new Promise((resolve) => setImmediate(resolve));
      // A rebalance that began meanwhile has emptied the buffer; the join wakes the loop again.
      if (!membership || this.fence.membership !== membership || this.buffer.length === 0) continue;
      const messages = this.buffer.splice(0, this.settings.maxBatchRecords);
      if (this.buffer.length < this.settings.maxBatchRecords && this.stream?.isPaused()) this.stream.resume();
      this.inFlight = messages;
      const committed = await this.fence.run(() => this.deliver(consumer, handler, messages, membership, this.resumed)).finally(() => (this.inFlight = []));
      // After a rebalance the new generation's stream starts from the committed offsets anyway.
      if (!committed && this.fence.membership === membership) await this.restart(consumer, true);
    }
  }

  /** Hands one batch to the handler and commits it; false when either failed (the batch comes again). */
  private async deliver(consumer: Client, handler: BatchHandler, cut: KafkaMessage[], membership: Membership, resumed: Promise<CommitOffset[]> | undefined): Promise<boolean> {
    let result: void | BatchCommit;
    let resumedFrom: CommitOffset[] | undefined;
    let messages = cut;
    try {
      resumedFrom = await resumed;
      if (resumedFrom) messages = notBefore(cut, resumedFrom);
      if (messages.length === 0) return true;
      result = await handler({ records: messages.map(toConsumedRecord), assignment: membership.partitions, ...(resumedFrom ? { resumedFrom } : {}) });
    } catch {
      return false;
    }
    const positions = AssignmentFence.within(membership, result ? positionsOf(result) : batchEnds(messages));
    const transactionalId = this.settings.transactionalId;
    const committing =
      transactionalId === undefined
        ? commitInGeneration(consumer, membership, positions)
        : this.commitTransaction(consumer, transactionalId, membership, result?.produce ?? [], positions);
    return committing.then(
      () => true,
      () => false,
    );
  }

  /** Produces `records` and commits `positions` in one transaction; aborts it on any failure. */
  private async commitTransaction(consumer: Client, transactionalId: string, membership: Membership, records: OutgoingRecord[], positions: CommitPosition[]): Promise<void> {
    if (records.length === 0 && positions.length === 0) return;
    const producer = this.transactionalProducer(transactionalId);
    const transaction = await producer.beginTransaction().catch(async (error: unknown) => {
      // The library keeps a transaction whose start failed as the active one: only a new producer begins again.
      await this.dropTransactionalProducer(producer);
      throw error;
    });
    try {
      if (records.length > 0) await transaction.send({ messages: records.map(toPlatformaticMessage) });
      if (positions.length > 0) {
        await transaction.addConsumer(consumer);
        await commitInTransaction(consumer, producer, membership, positions);
      }
      await transaction.commit();
    } catch (error) {
      // A producer that cannot abort (fenced, or its epoch gone) is replaced: a new one aborts what is left open.
      await transaction.abort().catch(() => this.dropTransactionalProducer(producer));
      throw error;
    }
  }

  private async dropTransactionalProducer(producer: TransactionalProducer): Promise<void> {
    if (this.transactional === producer) this.transactional = undefined;
    await producer.close().catch(() => undefined);
  }

  private transactionalProducer(transactionalId: string): TransactionalProducer {
    if (this.transactional) return this.transactional;
    const producer: TransactionalProducer = new Producer({
      ...this.base,
      idempotent: true,
      transactionalId,
      // "No producer yet" (KIP-360): the library's default 0/0 names an existing producer, and a restart under
      // the same transactional.id would be refused as fenced instead of taking the id over.
      producerId: -1n,
      producerEpoch: -1,
      acks: ProduceAcks.ALL,
      // The library sends its request timeout as the transaction timeout (InitProducerId).
      timeout: this.settings.transactionTimeoutMs,
      compression: 'lz4',
      autocreateTopics: false,
      partitioner: javaCompatiblePartitioner(),
    });
    clientAddPartitionsToTxn(producer);
    ignoreLateConnectionErrors(producer);
    this.transactional = producer;
    return producer;
  }

  positions(): CommitOffset[] {
    const stream = this.stream;
    const membership = this.fence.membership;
    // Records still queued inside the stream (paused by backpressure) are not in the buffer: position unknown.
    if (!stream || !membership || this.streamGeneration !== membership.generationId || stream.readableLength > 0) return [];
    const unhandled = new Map<string, bigint>();
    for (const m of [...this.inFlight, ...this.buffer]) {
      const key = `${m.topic}:${m.partition}`;
      const known = unhandled.get(key);
      if (known === undefined || m.offset < known) unhandled.set(key, m.offset);
    }
    const positions: CommitOffset[] = [];
    for (const { topic, partition } of membership.partitions) {
      // The library's next offset to fetch: past the records it delivered and the markers it skipped.
      const key = `${topic}:${partition}`;
      const fetched = stream.offsetsToFetch.get(key);
      if (fetched === undefined || fetched < 0n) continue;
      const pending = unhandled.get(key);
      positions.push({ topic, partition, offset: (pending !== undefined && pending < fetched ? pending : fetched).toString() });
    }
    return positions;
  }

  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.running = false;
    this.wake?.();
    // Let a batch in progress finish and commit before leaving the group.
    await this.loop;
    this.stream = undefined;
    await consumer?.close(true);
    const producer = this.transactional;
    this.transactional = undefined;
    await producer?.close();
  }
}

/**
 * AddPartitionsToTxn v4 and later are the brokers' own (KIP-890: batched and verify-only, authorized by ClusterAction);
 * clients send v3 at most, as Java's does. @platformatic/kafka 2.12 sends the highest version the broker lists, which a
 * broker refuses (CLUSTER_AUTHORIZATION_FAILED) to every principal without ClusterAction: every transaction of a
 * domain's least-privilege principal failed, and only the admin's went through.
 */
function clientAddPartitionsToTxn(producer: TransactionalProducer): void {
  type GetApi = (name: string, callback: (error: Error | null, api?: unknown) => void) => void;
  const client = producer as unknown as Record<typeof kGetApi, GetApi>;
  const getApi = client[kGetApi].bind(producer);
  client[kGetApi] = (name, callback) => (name === 'AddPartitionsToTxn' ? callback(null, addPartitionsToTxnV3.api) : getApi(name, callback));
}

function toConsumedRecord(message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  // A repeated header name keeps the last value, like Kafka Connect's lastWithName.
  for (const [name, value] of message.headerEntries) headers[name.toString()] = value;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    timestamp: Number(message.timestamp),
  };
}

/** The next offset of every partition in the batch. */
function batchEnds(messages: KafkaMessage[]): CommitPosition[] {
  const next = new Map<string, CommitPosition>();
  for (const m of messages) {
    next.set(`${m.topic}\0${m.partition}`, { topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch });
  }
  return [...next.values()];
}

/** Positions a handler chose; their leader epoch is unknown (-1), which the broker accepts. */
function positionsOf(result: BatchCommit): CommitPosition[] {
  return result.commit.map((c) => ({ topic: c.topic, partition: c.partition, offset: BigInt(c.offset), leaderEpoch: -1, metadata: c.metadata ?? null }));
}

/** The messages at or after the committed position of their partition: those below were handled and committed. */
function notBefore(messages: KafkaMessage[], committed: CommitOffset[]): KafkaMessage[] {
  const from = new Map(committed.map((c) => [`${c.topic}\0${c.partition}`, BigInt(c.offset)]));
  return messages.filter((m) => m.offset >= (from.get(`${m.topic}\0${m.partition}`) ?? 0n));
}
