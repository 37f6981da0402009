import { type API, type Connection, type Consumer, kGetApi, kGetConnection, kPerformWithRetry, type offsetCommitV9 } from '@platformatic/kafka';
import type { Membership } from './assignment.fence';

/** Where the group resumes one partition, with the leader epoch of its last record (-1 when unknown). */
export interface CommitPosition {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
}

type OffsetCommitApi = API<offsetCommitV9.OffsetCommitRequest, offsetCommitV9.OffsetCommitResponse>;

/**
 * Commits offsets in the generation a batch was cut in, never in a later one. Consumer.commit answers a
 * refused commit (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS) by rejoining the group and
 * committing again in the new generation, i.e. offsets of partitions the group may have given to another
 * member by then; and that rejoin would wait for this very commit, since a rebalance waits for the batch in
 * flight. Here the broker's refusal stands: the batch counts as not committed and is delivered again to
 * whoever owns its partitions. Transient errors (coordinator loading or moving, connection lost) are retried
 * as the library retries its own requests.
 */
export function commitInGeneration(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, membership: Membership, positions: CommitPosition[]): Promise<void> {
  if (positions.length === 0) return Promise.resolve();
  const topics = new Map<string, offsetCommitV9.OffsetCommitRequestTopic>();
  for (const { topic, partition, offset, leaderEpoch } of positions) {
    const entry = topics.get(topic) ?? { name: topic, partitions: [] };
    entry.partitions.push({ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: leaderEpoch, committedMetadata: null });
    topics.set(topic, entry);
  }
  return new Promise((resolve, reject) => {
    // Given a callback the library answers through it and returns nothing to await.
    void consumer[kPerformWithRetry]<unknown>(
      'commitInGeneration',
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
              consumer[kGetApi]('OffsetCommit', (error: Error | null, api?: OffsetCommitApi) => {
                if (error) return retry(error);
                api!(connection!, consumer.groupId, membership.generationId, membership.memberId, null, [...topics.values()], retry);
              });
            });
          });
        });
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}
