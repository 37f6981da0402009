import {
  type API,
  type Connection,
  type Consumer,
  kGetApi,
  kGetConnection,
  kPerformWithRetry,
  type offsetCommitV9,
  type offsetFetchV9,
  type Producer,
  type txnOffsetCommitV4,
} from '@platformatic/kafka';
import type { Membership } from './assignment.fence';
import type { CommitOffset, TopicPartition } from './ports';

/** Where the group resumes one partition, with the leader epoch of its last record (-1 when unknown). */
export interface CommitPosition {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  /** Kept with the offset (OffsetCommit metadata); null when none. */
  metadata?: string | null;
}

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;
/** OffsetFetch before v8 answers for one group, without the `groups` level. */
interface LegacyOffsetFetchResponse {
  topics: offsetFetchV9.OffsetFetchResponseTopic[];
}

/**
 * Commits offsets in the generation a batch was cut in, never in a later one. Consumer.commit answers a
 * refused commit (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS) by rejoining the group and
 * committing again in the new generation, i.e. offsets of partitions the group may have given to another
 * member by then; and that rejoin would wait for this very commit, since a rebalance waits for the batch in
 * flight. Here the broker's refusal stands: the batch counts as not committed and is delivered again to
 * whoever owns its partitions. Transient errors (coordinator loading or moving, connection lost) are retried
 * as the library retries its own requests.
 */
export function commitInGeneration(consumer: Client, membership: Membership, positions: CommitPosition[]): Promise<void> {
  if (positions.length === 0) return Promise.resolve();
  return withGroupCoordinator<offsetCommitV9.OffsetCommitRequest, offsetCommitV9.OffsetCommitResponse>(consumer, 'commitInGeneration', 'OffsetCommit', (api, connection, retry) =>
    api(connection, consumer.groupId, membership.generationId, membership.memberId, null, commitTopics(positions), retry),
  ).then(() => undefined);
}

/**
 * Adds offsets (with their metadata) to the producer's open transaction, fenced by the generation the batch
 * was cut in (KIP-447): a member the group has dropped meanwhile is refused, and its transaction must abort.
 * AddOffsetsToTxn (Transaction.addConsumer) must have been sent first.
 */
export function commitInTransaction(consumer: Client, producer: Producer<Buffer, Buffer, Buffer, Buffer>, membership: Membership, positions: CommitPosition[]): Promise<void> {
  if (positions.length === 0) return Promise.resolve();
  const transactionalId = producer.transaction?.id;
  const producerId = producer.producerId;
  const producerEpoch = producer.producerEpoch;
  if (transactionalId === undefined || producerId === undefined || producerEpoch === undefined) {
    return Promise.reject(new Error('commitInTransaction needs a transaction begun on an initialised transactional producer'));
  }
  return withGroupCoordinator<txnOffsetCommitV4.TxnOffsetCommitRequest, txnOffsetCommitV4.TxnOffsetCommitResponse>(
    consumer,
    'commitInTransaction',
    'TxnOffsetCommit',
    (api, connection, retry) =>
      api(connection, transactionalId, consumer.groupId, producerId, producerEpoch, membership.generationId, membership.memberId, null, commitTopics(positions), retry),
  ).then(() => undefined);
}

/**
 * The group's committed offsets and metadata of `partitions`, waiting out offsets of transactions still open
 * (requireStable, KIP-447: UNSTABLE_OFFSET_COMMIT is retried), so a member taking a partition over never
 * resumes behind a commit that is about to become visible. Partitions without a commit are left out.
 */
export async function fetchStableCommits(consumer: Client, partitions: TopicPartition[]): Promise<CommitOffset[]> {
  if (partitions.length === 0) return [];
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  const response = await withGroupCoordinator<offsetFetchV9.OffsetFetchRequest, offsetFetchV9.OffsetFetchResponse | LegacyOffsetFetchResponse>(
    consumer,
    'fetchStableCommits',
    'OffsetFetch',
    (api, connection, retry) => api(connection, [{ groupId: consumer.groupId, memberId: null, memberEpoch: -1, topics }], true, retry),
  );
  const answered = 'groups' in response ? (response.groups[0]?.topics ?? []) : response.topics;
  return answered.flatMap(({ name, partitions }) =>
    partitions
      .filter((p) => p.committedOffset >= 0n)
      .map((p) => ({ topic: name, partition: p.partitionIndex, offset: p.committedOffset.toString(), metadata: p.metadata ?? null })),
  );
}

function commitTopics(positions: CommitPosition[]): offsetCommitV9.OffsetCommitRequestTopic[] {
  const topics = new Map<string, offsetCommitV9.OffsetCommitRequestTopic>();
  for (const { topic, partition, offset, leaderEpoch, metadata } of positions) {
    const entry = topics.get(topic) ?? { name: topic, partitions: [] };
    entry.partitions.push({ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: leaderEpoch, committedMetadata: metadata ?? null });
    topics.set(topic, entry);
  }
  return [...topics.values()];
}

/** Sends one request to the group coordinator, retried as the library retries its own requests. */
function withGroupCoordinator<Args extends unknown[], R>(
  consumer: Client,
  operation: string,
  apiName: string,
  send: (api: API<Args, R>, connection: Connection, retry: (error: Error | null, result?: R) => void) => void,
): Promise<R> {
  return new Promise((resolve, reject) => {
    // Given a callback the library answers through it and returns nothing to await.
    void consumer[kPerformWithRetry]<R>(
      operation,
      (retry) => {
        consumer.findGroupCoordinator((error, coordinatorId) => {
          if (error) return retry(error);
          consumer.metadata({ topics: [] }, (error, metadata) => {
            if (error) return retry(error);
            const broker = metadata!.brokers.get(coordinatorId!);
            if (!broker) {
              // A coordinator that moved to a broker the cached metadata does not know yet: ask again.
              consumer.clearMetadata();
              return retry(new Error(`group coordinator ${coordinatorId} is not in the cluster metadata`));
            }
            consumer[kGetConnection](broker, (error: Error | null, connection?: Connection) => {
              if (error) return retry(error);
              consumer[kGetApi]<Args, R>(apiName, (error, api) => {
                if (error) return retry(error);
                send(api!, connection!, retry as (error: Error | null, result?: R) => void);
              });
            });
          });
        });
      },
      (error, result) => (error ? reject(error) : resolve(result as R)),
    );
  });
}
