import type { KafkaPort } from '@fieldmesh/kafka';
import type { LoadedContract } from './contract.loader';
import { provisionProduct, type ProvisionResult } from './provision.product';
import type { RegistryAuth } from './provision.registry';
import { awaitTopicsListed, dlqTopicSpecFor } from './provision.topic';

/** A product as a job uses it: its contract, on the contract's topic or on one a test or side-by-side run chose. */
export interface ProductOnTopic {
  contract: LoadedContract;
  topic: string;
}

export interface StreamJobProvisioning {
  /** The products the job writes: each provisioned as provisionProduct does, on its topic. */
  outputs: ProductOnTopic[];
  /** The products the job reads: only their DLQs, where the job dead-letters the records it cannot process (the topics are their producers'). */
  inputs: ProductOnTopic[];
}

/**
 * Makes Kafka and the registry match a stream job's products before it starts: every output's topic,
 * DLQ, compatibility and schema (provisionProduct), and the DLQ of every input, all by the same rules
 * (topicSpecFor, dlqTopicSpecFor). Idempotent.
 */
export async function provisionStreamJob(kafka: KafkaPort, registry: { url: string; auth?: RegistryAuth }, job: StreamJobProvisioning): Promise<ProvisionResult[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const results: ProvisionResult[] = [];
    for (const output of job.outputs) {
      results.push(await provisionProduct(onTopic(output), { admin, registryUrl: registry.url, ...(registry.auth ? { registryAuth: registry.auth } : {}) }));
    }
    const listed = new Set(await admin.listTopics());
    const dlqs = job.inputs.map((input) => dlqTopicSpecFor(input.contract.contract, input.topic)).filter((spec) => !listed.has(spec.topic));
    if (dlqs.length > 0) await admin.createTopics(dlqs);
    await awaitTopicsListed(
      admin,
      dlqs.map((spec) => spec.topic),
    );
    return results;
  } finally {
    await admin.disconnect();
  }
}

/** The contract with its topic replaced, so that topic, DLQ and subject (TopicNameStrategy) follow the override. */
function onTopic({ contract, topic }: ProductOnTopic): LoadedContract {
  return topic === contract.contract.kafka.topic ? contract : { ...contract, contract: { ...contract.contract, kafka: { ...contract.contract.kafka, topic } } };
}
