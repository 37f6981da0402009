import type { LoadedContract } from './contract.loader';
import { provisionProduct, type ProvisionResult } from './provision.product';
import { createDlqTopic, type KafkaPort } from '@fieldmesh/kafka';

/**
 * Makes Kafka and the registry match the product's contract before the job starts (topic, retention,
 * DLQ, compatibility, schema; see governance's provisionProduct), under `topic` when a test or a
 * side-by-side run overrides the contract's. Also creates the DLQ of each input, where the job
 * dead-letters the input records it cannot process.
 */
export async function provisionProductTopics(kafka: KafkaPort, registryUrl: string, loaded: LoadedContract, topic: string, inputTopics: string[]): Promise<ProvisionResult> {
  const product = { ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic } } };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await provisionProduct(product, { admin, registryUrl });
    for (const input of inputTopics) await createDlqTopic(admin, input, { replicationFactor: loaded.contract.kafka.replicationFactor });
    return result;
  } finally {
    await admin.disconnect();
  }
}
