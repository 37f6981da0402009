import { Consumer, type ConsumerGroupJoinPayload, type MessagesStream } from '@platformatic/kafka';
import { AssignmentFence, type Membership } from './assignment.fence';
import type { ConsumerSettings } from './config';
import { KafkaNotConnected } from './errors';
import { commitInGeneration, type CommitPosition } from './platformatic.commit';
import type { BaseOptions, KafkaMessage } from './platformatic.base';
import type { BatchCommit, BatchHandler, ConsumedRecord, KafkaConsumerPort } from './ports';
import { sleep } from './records';

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

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
      this.stream = stream;
      this.streamGeneration = this.fence.membership?.generationId ?? NO_GENERATION;
      stream.on('data', (message: KafkaMessage) => {
        if (this.stream !== stream || !this.isCurrent(message)) return;
        this.buffer.push(message);
        // Backpressure: stop fetching while a couple of batches wait for the handler.
        if (this.buffer.length >= 2 * this.settings.maxBatchRecords) stream.pause();
        this.wake?.();
      });
      stream.on('error', (error: unknown) => {
        if (this.stream !== stream) return;
        this.streamError = error;
        this.wake?.();
      });
    } finally {
      await previous?.close().catch(() => undefined);
    }
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
      const committed = await this.fence.run(() => this.deliver(consumer, handler, messages, membership));
      // After a rebalance the new generation's stream starts from the committed offsets anyway.
      if (!committed && this.fence.membership === membership) await this.restart(consumer, true);
    }
  }

  /** Hands one batch to the handler and commits it; false when either failed (the batch comes again). */
  private async deliver(consumer: Client, handler: BatchHandler, messages: KafkaMessage[], membership: Membership): Promise<boolean> {
    let result: void | BatchCommit;
    try {
      result = await handler({ records: messages.map(toConsumedRecord), assignment: membership.partitions });
    } catch {
      return false;
    }
    const positions = AssignmentFence.within(membership, result ? positionsOf(result) : batchEnds(messages));
    return commitInGeneration(consumer, membership, positions).then(
      () => true,
      () => false,
    );
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
  }
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
  return result.commit.map((c) => ({ topic: c.topic, partition: c.partition, offset: BigInt(c.offset), leaderEpoch: -1 }));
}
