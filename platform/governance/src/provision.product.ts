import { replicationOnCluster, type KafkaAdminPort, type TopicSpec } from '@fieldmesh/kafka';
import type { LoadedContract } from './contract.loader';
import { RegistryRequestFailed, SchemaIncompatible } from './provision.errors';
import { RegistryClient, type RegistryAuth } from './provision.registry';
import { awaitTopicsListed, brokerCount, dlqTopicSpecFor, topicReplicationFactor, topicSpecFor, valueSubjectFor } from './provision.topic';

export interface ProvisionTargets {
  /** A connected admin client. */
  admin: KafkaAdminPort;
  registryUrl: string;
  /** Credentials for the compatibility and schema writes, when the registry checks who writes. */
  registryAuth?: RegistryAuth;
}

export interface ProvisionResult {
  product: string;
  topic: string;
  topicAction: 'created' | 'updated' | 'unchanged';
  /** Configs set on an existing topic: name → [before, after]. */
  changedConfigs: Record<string, [string | undefined, string]>;
  dlqTopic: string;
  /** The DLQ's configs follow dlqConfigsFor; 'updated' when an existing DLQ's differed. */
  dlqAction: 'created' | 'updated' | 'unchanged';
  subject: string;
  compatibility: string;
  compatibilityAction: 'set' | 'unchanged';
  schemaId: number;
  schemaVersion: number;
  schemaAction: 'registered' | 'unchanged';
  /** What provisioning cannot change and a person must decide (e.g. the partition count of an existing topic). */
  warnings: string[];
}

/**
 * Makes Kafka and the registry match a contract: creates the topic (partitions, replication and
 * `min.insync.replicas` capped by the cluster's size, `retention.ms`, `cleanup.policy`) or sets the configs that differ on an existing one, does the same for
 * the DLQ topic (dlqTopicSpecFor), sets the subject's compatibility level and registers the schema.
 * Idempotent: a second run changes nothing and says so.
 */
export async function provisionProduct(loaded: LoadedContract, targets: ProvisionTargets): Promise<ProvisionResult> {
  const topics = await provisionTopics(targets.admin, loaded);
  const { contract } = loaded;
  const registry = new RegistryClient(targets.registryUrl, targets.registryAuth ? { auth: targets.registryAuth } : {});

  // The level first, so that registration is checked under the contract's mode, not the global one.
  const subject = valueSubjectFor(contract);
  const compatibilityAction = (await registry.subjectCompatibility(subject)) === contract.compatibility ? 'unchanged' : 'set';
  if (compatibilityAction === 'set') await registry.setCompatibility(subject, contract.compatibility);

  const schemaText = JSON.stringify(loaded.avroSchema);
  let registered = await registry.lookup(subject, schemaText);
  let schemaAction: ProvisionResult['schemaAction'] = 'unchanged';
  if (!registered) {
    const answer = await registry.register(subject, schemaText);
    if ('incompatible' in answer) throw new SchemaIncompatible(subject, contract.compatibility, loaded.file, answer.incompatible);
    registered = await registry.lookup(subject, schemaText);
    if (!registered)
      throw new RegistryRequestFailed(
        'POST',
        `${targets.registryUrl}/subjects/${subject}`,
        undefined,
        undefined,
        `schema id ${answer.id} was registered but the subject does not list it`,
      );
    schemaAction = 'registered';
  }

  return { ...topics, subject, compatibility: contract.compatibility, compatibilityAction, schemaId: registered.id, schemaVersion: registered.version, schemaAction };
}

export type TopicsProvisionResult = Pick<ProvisionResult, 'product' | 'topic' | 'topicAction' | 'changedConfigs' | 'dlqTopic' | 'dlqAction' | 'warnings'>;

/**
 * The Kafka half of provisionProduct, for a producer that registers its schema itself (the gateway): the
 * product topic and its DLQ as the contract says, created or their configs set. Idempotent.
 */
export async function provisionTopics(admin: KafkaAdminPort, loaded: LoadedContract): Promise<TopicsProvisionResult> {
  const { contract } = loaded;
  // The replication the cluster can give (min.insync.replicas included, which alignTopic sets on existing topics).
  const brokers = await brokerCount(admin);
  const spec = replicationOnCluster(topicSpecFor(contract), brokers).spec;
  const dlq = replicationOnCluster(dlqTopicSpecFor(contract), brokers).spec;
  const existing = new Set(await admin.listTopics());
  const product = await alignTopic(admin, spec, existing);
  const dead = await alignTopic(admin, dlq, existing);
  const warnings: string[] = [];
  if (product.action !== 'created') {
    const partitions = (await admin.fetchTopicEndOffsets(spec.topic)).length;
    if (partitions !== spec.partitions) {
      warnings.push(
        `${spec.topic} has ${partitions} partitions, the contract says ${spec.partitions}: changing the count re-partitions keys (assets lose their order across the change), ` +
          'so it is left to a person (kafka-topics --alter --partitions to add; fewer needs a new topic).',
      );
    }
    const replicationFactor = await topicReplicationFactor(admin, spec.topic);
    if (replicationFactor !== spec.replicationFactor) {
      warnings.push(
        `${spec.topic} has replication factor ${replicationFactor}, the contract gives it ${spec.replicationFactor} on this cluster of ${brokers} broker(s): ` +
          'moving replicas copies the whole topic between brokers, so it is left to a person (kafka-reassign-partitions with a plan naming the new replicas).',
      );
    }
  }
  await awaitTopicsListed(admin, [spec.topic, dlq.topic]);
  return { product: contract.id, topic: spec.topic, topicAction: product.action, changedConfigs: product.changedConfigs, dlqTopic: dlq.topic, dlqAction: dead.action, warnings };
}

/** Creates the topic, or sets the configs of the existing one that differ from the spec. */
async function alignTopic(
  admin: KafkaAdminPort,
  spec: TopicSpec,
  existing: Set<string>,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; changedConfigs: ProvisionResult['changedConfigs'] }> {
  if (!existing.has(spec.topic)) {
    await admin.createTopics([spec]);
    return { action: 'created', changedConfigs: {} };
  }
  const actual = await admin.describeTopicConfigs(spec.topic);
  const changedConfigs: ProvisionResult['changedConfigs'] = {};
  for (const [name, value] of Object.entries(spec.configs ?? {})) if (actual[name] !== value) changedConfigs[name] = [actual[name], value];
  if (Object.keys(changedConfigs).length === 0) return { action: 'unchanged', changedConfigs };
  await admin.alterTopicConfigs(spec.topic, Object.fromEntries(Object.entries(changedConfigs).map(([name, [, value]]) => [name, value])));
  return { action: 'updated', changedConfigs };
}
