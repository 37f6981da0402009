import type { KafkaAdminPort, TopicSpec } from './ports';

/** What a topic asks for unless it says otherwise: three copies, two of them in sync for an acks=all write. */
export const DEFAULT_REPLICATION_FACTOR = 3;
export const DEFAULT_MIN_INSYNC_REPLICAS = 2;

export const MIN_INSYNC_REPLICAS = 'min.insync.replicas';

/** A topic's min.insync.replicas when it does not say: DEFAULT_MIN_INSYNC_REPLICAS, or all replicas of a topic asking for fewer. */
export function defaultMinInSyncReplicas(replicationFactor: number): number {
  return Math.min(DEFAULT_MIN_INSYNC_REPLICAS, replicationFactor);
}

/**
 * The spec a cluster of `brokers` can take: the replication factor capped by the number of brokers, and
 * `min.insync.replicas` (the spec's, else defaultMinInSyncReplicas) capped by that replication factor, so
 * that one broker still works (factor 1, min.insync 1) and three give what a plant needs. `capped` says
 * whether the cluster gives less than the spec asked for.
 */
export function replicationOnCluster(spec: TopicSpec, brokers: number): { spec: TopicSpec; capped: boolean } {
  const replicationFactor = Math.min(spec.replicationFactor, Math.max(brokers, 1));
  const wanted = Number(spec.configs?.[MIN_INSYNC_REPLICAS] ?? defaultMinInSyncReplicas(spec.replicationFactor));
  const minInSync = Math.min(wanted, replicationFactor);
  return {
    spec: { ...spec, replicationFactor, configs: { ...spec.configs, [MIN_INSYNC_REPLICAS]: String(minInSync) } },
    capped: replicationFactor < spec.replicationFactor || minInSync < wanted,
  };
}

let warned = false;

function warnOnce(brokers: number, spec: TopicSpec, capped: TopicSpec): void {
  if (warned) return;
  warned = true;
  console.warn(
    `Kafka has ${brokers} broker(s): topics get replication factor ${capped.replicationFactor} and ${MIN_INSYNC_REPLICAS} ${capped.configs?.[MIN_INSYNC_REPLICAS]} ` +
      `instead of the ${spec.replicationFactor} and ${spec.configs?.[MIN_INSYNC_REPLICAS] ?? defaultMinInSyncReplicas(spec.replicationFactor)} asked for (e.g. ${spec.topic}), so losing a broker loses data. ` +
      'Fine for a development stack; run at least 3 brokers for a plant (npm run stack -- up --brokers 3 on this machine). Warned once per process.',
  );
}

/**
 * The admin every caller of createKafka gets: creates topics with replicationOnCluster's replication for
 * the cluster it finds, warning once per process when that is less than asked for. Everything else passes through.
 */
export class ReplicationCappingAdmin implements KafkaAdminPort {
  constructor(private readonly admin: KafkaAdminPort) {}

  async createTopics(topics: TopicSpec[]): Promise<string[]> {
    const brokers = (await this.admin.describeCluster()).brokers.length;
    const specs = topics.map((spec) => {
      const result = replicationOnCluster(spec, brokers);
      if (result.capped) warnOnce(brokers, spec, result.spec);
      return result.spec;
    });
    return this.admin.createTopics(specs);
  }

  connect = () => this.admin.connect();
  listTopics = () => this.admin.listTopics();
  describeTopicConfigs = (topic: string) => this.admin.describeTopicConfigs(topic);
  alterTopicConfigs = (topic: string, configs: Record<string, string>) => this.admin.alterTopicConfigs(topic, configs);
  deleteTopics = (topics: string[]) => this.admin.deleteTopics(topics);
  fetchGroupOffsets = (groupId: string, topic: string) => this.admin.fetchGroupOffsets(groupId, topic);
  fetchTopicEndOffsets = (topic: string) => this.admin.fetchTopicEndOffsets(topic);
  describeCluster = () => this.admin.describeCluster();
  describeTopicPartitions = (topic: string) => this.admin.describeTopicPartitions(topic);
  disconnect = () => this.admin.disconnect();
}
