import { createDlqTopic, dlqTopicFor, type KafkaAdminPort } from '@fieldmesh/kafka';
import type { LoadedContract } from './contract.loader';
import { RegistryRequestFailed, SchemaIncompatible } from './provision.errors';
import { RegistryClient, type RegistryAuth } from './provision.registry';
import { awaitTopicsListed, topicConfigsFor, topicSpecFor, valueSubjectFor } from './provision.topic';

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
  dlqAction: 'created' | 'unchanged';
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
 * Makes Kafka and the registry match a contract: creates the topic (partitions, replication,
 * `retention.ms`, `cleanup.policy`) or sets the configs that differ on an existing one, creates the DLQ
 * topic, sets the subject's compatibility level and registers the schema. Idempotent: a second run
 * changes nothing and says so.
 */
export async function provisionProduct(loaded: LoadedContract, targets: ProvisionTargets): Promise<ProvisionResult> {
  const { contract } = loaded;
  const { admin } = targets;
  const registry = new RegistryClient(targets.registryUrl, targets.registryAuth ? { auth: targets.registryAuth } : {});
  const spec = topicSpecFor(contract);
  const warnings: string[] = [];
  const existing = new Set(await admin.listTopics());

  const changedConfigs: ProvisionResult['changedConfigs'] = {};
  let topicAction: ProvisionResult['topicAction'] = 'unchanged';
  if (!existing.has(spec.topic)) {
    await admin.createTopics([spec]);
    topicAction = 'created';
  } else {
    const actual = await admin.describeTopicConfigs(spec.topic);
    for (const [name, value] of Object.entries(topicConfigsFor(contract))) if (actual[name] !== value) changedConfigs[name] = [actual[name], value];
    if (Object.keys(changedConfigs).length > 0) {
      await admin.alterTopicConfigs(spec.topic, Object.fromEntries(Object.entries(changedConfigs).map(([name, [, value]]) => [name, value])));
      topicAction = 'updated';
    }
    const partitions = (await admin.fetchTopicEndOffsets(spec.topic)).length;
    if (partitions !== spec.partitions) {
      warnings.push(
        `${spec.topic} has ${partitions} partitions, the contract says ${spec.partitions}: changing the count re-partitions keys (assets lose their order across the change), ` +
          'so it is left to a person (kafka-topics --alter --partitions to add; fewer needs a new topic).',
      );
    }
  }

  const dlqTopic = dlqTopicFor(spec.topic);
  const dlqAction = existing.has(dlqTopic) ? 'unchanged' : 'created';
  if (dlqAction === 'created') await createDlqTopic(admin, spec.topic, { replicationFactor: spec.replicationFactor });
  await awaitTopicsListed(admin, [spec.topic, dlqTopic]);

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
    if (!registered) throw new RegistryRequestFailed('POST', `${targets.registryUrl}/subjects/${subject}`, undefined, undefined, `schema id ${answer.id} was registered but the subject does not list it`);
    schemaAction = 'registered';
  }

  return {
    product: contract.id,
    topic: spec.topic,
    topicAction,
    changedConfigs,
    dlqTopic,
    dlqAction,
    subject,
    compatibility: contract.compatibility,
    compatibilityAction,
    schemaId: registered.id,
    schemaVersion: registered.version,
    schemaAction,
    warnings,
  };
}
