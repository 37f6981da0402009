import { join } from 'node:path';
import { createKafka } from '@fieldmesh/kafka';
import { discoverDomains, type RunningDomain, startDomain } from '@fieldmesh/products';
import { REPO_ROOT } from '@fieldmesh/stack';

/**
 * The plant-telemetry clean job on a test's own topics: it reads raw.v1 and raw.v2 and writes clean. The raw
 * topic the test's gateway does not publish to is created empty first, as the job subscribes to both.
 */
export async function startCleanJob(options: {
  brokers: string;
  registryUrl: string;
  group: string;
  topics: { raw: string; rawV2: string; clean: string };
  unused: 'raw' | 'rawV2';
}): Promise<RunningDomain> {
  const brokers = options.brokers.split(',');
  const admin = createKafka({ clientId: `${options.group}-admin`, brokers }).admin();
  await admin.connect();
  try {
    await admin.createTopics([{ topic: options.topics[options.unused], partitions: 1, replicationFactor: 1 }]);
  } finally {
    await admin.disconnect();
  }
  const declared = await discoverDomains([join(REPO_ROOT, 'domains')]);
  const domain = declared.find((candidate) => candidate.name === 'plant-telemetry');
  if (!domain) throw new Error(`no plant-telemetry domain under ${join(REPO_ROOT, 'domains')}`);
  return (await startDomain(domain, {
    kafka: { brokers },
    registryUrl: options.registryUrl,
    groups: { clean: options.group },
    topics: { 'plant-telemetry.raw': options.topics.raw, 'plant-telemetry.raw-v2': options.topics.rawV2, 'plant-telemetry.clean': options.topics.clean },
  })) as RunningDomain;
}
