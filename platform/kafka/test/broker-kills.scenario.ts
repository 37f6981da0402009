import { randomUUID } from 'node:crypto';
import { kafkaNodeName, type Stack } from '@fieldmesh/stack';
import { bounceLeader, createKafka, readTopicToEnd, untilAllReplicasInSync, type KafkaAdminPort, type KafkaPort, type LeaderBounce, type OutgoingRecord } from '../src/index';

/**
 * Broker kills as Kafka's own replication system tests run them (ReplicationTest with a clean or hard
 * bounce): an idempotent acks=all producer writes keyed records with a sequence number per key to a topic
 * with replication factor 3 and min.insync.replicas 2, while a killer kill -9s the leader of a random
 * partition at random moments and restarts it; then everything is read back and checked. A record is
 * acknowledged when its send resolved; a send that failed is not retried by the harness (as Kafka's
 * VerifiableProducer does not), so its records count as unacknowledged and may or may not be in the log.
 */
export interface BrokerKillsOptions {
  /** A running stack with at least 3 Kafka brokers (startStack with `kafka: { brokers: 3 }`). */
  stack: Stack;
  records: number;
  kills: number;
  partitions?: number;
  keys?: number;
  /** Records per send (one produce request per partition). */
  batchSize?: number;
  log?: (line: string) => void;
}

export interface BrokerKill extends LeaderBounce {
  /** Records sent before the kill. */
  atRecord: number;
}

export interface BrokerKillsReport {
  topic: string;
  sent: number;
  acknowledged: number;
  /** Records of sends that failed (not retried): they may or may not be in the log. */
  unacknowledged: number;
  unacknowledgedFound: number;
  kills: BrokerKill[];
  read: number;
  /** Acknowledged records not read back: data loss. */
  missing: number;
  /** Records read more than once (extra copies). */
  duplicates: number;
  /** Records read after a later record of the same key. */
  outOfOrder: number;
  /** Records the harness did not write (never expected). */
  foreign: number;
  produceMs: number;
  readMs: number;
}

const FULL_ISR_TIMEOUT_MS = 180_000;

export function formatReport(report: BrokerKillsReport): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const kills = report.kills.map(
    (kill, index) =>
      `  kill ${index + 1}: broker ${kill.node} (leader of partition ${kill.partition}) at record ${kill.atRecord}, down ${seconds(kill.downMs)}, ` +
      `answering ${seconds(kill.restartMs)} after its restart, all replicas in sync after ${seconds(kill.catchUpMs)}`,
  );
  return [
    `broker kills on ${report.topic}: ${report.sent} records sent in ${seconds(report.produceMs)} (${Math.round(report.sent / (report.produceMs / 1000))} records/s), ` +
      `${report.acknowledged} acknowledged, ${report.unacknowledged} in failed sends (${report.unacknowledgedFound} of them in the log anyway)`,
    ...kills,
    `read back ${report.read} records in ${seconds(report.readMs)}: missing ${report.missing}, duplicated ${report.duplicates}, out of order ${report.outOfOrder}, foreign ${report.foreign}`,
  ].join('\n');
}

/** An error with its causes (and a library's aggregated errors), for the log line of a failed send. */
function causes(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = [error.cause, ...((error as { errors?: unknown[] }).errors ?? [])].filter((inner) => inner !== undefined);
  return [error.message, ...nested.map(causes)].join(' <- ');
}

function random(below: number): number {
  return Math.floor(Math.random() * below);
}

/** kill -9 of the leader of a random partition, a random pause, a restart, then waits for every replica to catch up. */
async function killLeader(stack: Stack, admin: KafkaAdminPort, topic: string, partitions: number, atRecord: number): Promise<BrokerKill> {
  const bounce = await bounceLeader(admin, topic, random(partitions), {
    kill: (node) => stack.killService(kafkaNodeName(node)),
    start: (node) => stack.startService(kafkaNodeName(node)),
    downMs: 500 + random(2_500),
    catchUpTimeoutMs: FULL_ISR_TIMEOUT_MS,
  });
  return { ...bounce, atRecord };
}

export async function runBrokerKills(options: BrokerKillsOptions): Promise<BrokerKillsReport> {
  const { stack, records } = options;
  const partitions = options.partitions ?? 6;
  const keys = options.keys ?? 1_000;
  const batchSize = options.batchSize ?? 1_000;
  const log = options.log ?? (() => undefined);
  const addresses = stack.addresses;
  const kafka: KafkaPort = createKafka({
    clientId: 'broker-kills',
    brokers: (addresses.kafkaBrokers ?? '').split(','),
    security: {
      protocol: 'SASL_SSL',
      ...(addresses.kafkaCaFile ? { caFile: addresses.kafkaCaFile } : {}),
      sasl: { mechanism: 'SCRAM-SHA-512', username: addresses.kafkaSaslUsername ?? '', password: addresses.kafkaSaslPassword ?? '' },
    },
  });
  const topic = `broker-kills.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  try {
    await admin.createTopics([{ topic, partitions, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await untilAllReplicasInSync(admin, topic, FULL_ISR_TIMEOUT_MS);

    // Record i has key i % keys and, within its key, sequence number floor(i / keys); its value is i.
    const acked = new Uint8Array(records);
    const failed = new Uint8Array(records);
    // Kill moments: random, in the first 90 % of the run so that records flow after the last one too.
    const killAt = Array.from({ length: options.kills }, () => Math.floor(records * (0.05 + Math.random() * 0.85))).sort((a, b) => a - b);
    const kills: BrokerKill[] = [];
    let killing: Promise<void> | undefined;
    let killError: unknown;

    await producer.connect();
    const started = Date.now();
    for (let next = 0; next < records; next += batchSize) {
      if (killAt.length > 0 && next >= killAt[0]!) {
        // One kill at a time, as the system tests do: a second broker down would leave partitions below min.insync.replicas.
        if (killing) await killing;
        killAt.shift();
        killing = killLeader(stack, admin, topic, partitions, next).then(
          (kill) => {
            kills.push(kill);
            log(`kill ${kills.length}: broker ${kill.node} (leader of partition ${kill.partition}) at record ${kill.atRecord}, back in sync after ${kill.catchUpMs} ms`);
          },
          (error: unknown) => {
            killError = error;
          },
        );
      }
      if (killError) throw killError;
      const batch: OutgoingRecord[] = [];
      const end = Math.min(next + batchSize, records);
      for (let i = next; i < end; i++) batch.push({ topic, key: `key-${i % keys}`, value: Buffer.from(String(i)) });
      try {
        await producer.send(batch);
        acked.fill(1, next, end);
      } catch (error) {
        failed.fill(1, next, end);
        log(`send of records ${next}..${end - 1} failed: ${causes(error)}`);
      }
    }
    const produceMs = Date.now() - started;
    await killing;
    if (killError) throw killError;

    const readStarted = Date.now();
    const read = await readTopicToEnd(kafka, topic, { timeoutMs: 300_000, groupPrefix: 'broker-kills' });
    const readMs = Date.now() - readStarted;
    const copies = new Uint8Array(records);
    const lastSequence = new Float64Array(keys).fill(-1);
    let duplicates = 0;
    let outOfOrder = 0;
    let foreign = 0;
    for (const record of read) {
      const i = Number(record.value?.toString());
      if (!Number.isInteger(i) || i < 0 || i >= records || record.key?.toString() !== `key-${i % keys}`) {
        foreign++;
        continue;
      }
      if (copies[i]! > 0) {
        duplicates++;
        continue;
      }
      copies[i] = 1;
      const key = i % keys;
      const sequence = Math.floor(i / keys);
      if (sequence < lastSequence[key]!) outOfOrder++;
      lastSequence[key] = Math.max(lastSequence[key]!, sequence);
    }
    let acknowledged = 0;
    let missing = 0;
    let unacknowledged = 0;
    let unacknowledgedFound = 0;
    for (let i = 0; i < records; i++) {
      if (acked[i]) {
        acknowledged++;
        if (copies[i] === 0) missing++;
      } else if (failed[i]) {
        unacknowledged++;
        if (copies[i]! > 0) unacknowledgedFound++;
      }
    }
    return { topic, sent: records, acknowledged, unacknowledged, unacknowledgedFound, kills, read: read.length, missing, duplicates, outOfOrder, foreign, produceMs, readMs };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
