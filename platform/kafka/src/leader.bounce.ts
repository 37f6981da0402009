import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdminPort } from './ports';

/** One bounce of a partition leader: which broker, and how long it was down and took to catch up. */
export interface LeaderBounce {
  node: number;
  partition: number;
  downMs: number;
  /** From the restart to the broker answering again (its start resolved). */
  restartMs: number;
  /** From the restart until every partition's in-sync replicas were all its replicas again. */
  catchUpMs: number;
}

export interface LeaderBounceOptions {
  /** kill -9 of the broker with this node id (a stack's killService). */
  kill: (node: number) => Promise<void>;
  /** Starts it again and resolves once it answers (a stack's startService). */
  start: (node: number) => Promise<void>;
  downMs: number;
  /** How long the replicas may take to be all in sync again after the restart. */
  catchUpTimeoutMs?: number;
}

const CATCH_UP_TIMEOUT_MS = 180_000;

/**
 * A hard bounce as Kafka's replication system tests run it: kill the leader of `topic`'s `partition`, wait
 * `downMs`, restart it, then wait until every partition of the topic has all its replicas in sync, so that
 * the next bounce never leaves a partition below min.insync.replicas.
 */
export async function bounceLeader(admin: KafkaAdminPort, topic: string, partition: number, options: LeaderBounceOptions): Promise<LeaderBounce> {
  const node = await leaderOf(admin, topic, partition);
  const killedAt = Date.now();
  await options.kill(node);
  await sleep(options.downMs);
  const restartAt = Date.now();
  await options.start(node);
  const answeringAt = Date.now();
  await untilAllReplicasInSync(admin, topic, options.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS);
  return { node, partition, downMs: restartAt - killedAt, restartMs: answeringAt - restartAt, catchUpMs: Date.now() - restartAt };
}

/** Resolves once every partition of `topic` has a leader and all its replicas in sync. */
export async function untilAllReplicasInSync(admin: KafkaAdminPort, topic: string, timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const partitions = await admin.describeTopicPartitions(topic).catch(() => []);
    if (partitions.length > 0 && partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)) return;
    if (Date.now() > deadline) throw new Error(`${topic}: replicas not all in sync ${timeoutMs / 1000} s after a broker restart: ${JSON.stringify(partitions)}`);
    await sleep(250);
  }
}

async function leaderOf(admin: KafkaAdminPort, topic: string, partition: number): Promise<number> {
  for (;;) {
    const leader = (await admin.describeTopicPartitions(topic))[partition]?.leader ?? -1;
    if (leader >= 0) return leader;
    await sleep(200);
  }
}
