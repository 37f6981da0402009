import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, dlqTopicFor, KafkaAccessAdmin, type KafkaAdminPort, type KafkaSecurity } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { aclDrift, applyKafkaAccess, kafkaAccessPlan, loadAllContracts, PLATFORM_TOPICS, principalNamesFor, principalPasswordFile, type LoadedContract } from '../src/index';

const brokers = inject('kafkaBrokers').split(',');
const run = randomUUID().slice(0, 8);
const secretsDir = mkdtempSync(join(tmpdir(), 'fieldmesh-kafka-secrets-'));
// Principals of this run's own: applying the plan takes away their undeclared grants, which must not be a
// pipeline's running beside this test on the same broker.
const principalPrefix = `t${run}`;
const principalNames = principalNamesFor(principalPrefix);
let admin: KafkaAdminPort;
let access: KafkaAccessAdmin;
let contracts: LoadedContract[];
const topics: string[] = [];

/** The repository's contracts on topics of this run's own (the broker is shared by the run's other tests). */
function onOwnTopics(loaded: LoadedContract): LoadedContract {
  const own = (topic: string) => `t${run}.${topic}`;
  const { contract } = loaded;
  return { ...loaded, contract: { ...contract, kafka: { ...contract.kafka, topic: own(contract.kafka.topic) }, upstream: contract.upstream.map(own) } };
}

const topicOf = (id: string) => contracts.find((loaded) => loaded.contract.id === id)!.contract.kafka.topic;

function as(principal: string, password?: string): KafkaSecurity {
  return {
    protocol: 'SASL_SSL',
    caFile: inject('kafkaCaFile'),
    sasl: { mechanism: 'SCRAM-SHA-512', username: principal, ...(password ? { password } : { passwordFile: principalPasswordFile(secretsDir, principal) }) },
  };
}

/** Whether `principal` could write one record to `topic`. */
async function writes(security: KafkaSecurity, topic: string): Promise<boolean> {
  const producer = createKafka({ clientId: `attack-${run}`, brokers, client: 'kafkajs', security }).producer();
  try {
    await producer.connect();
    await producer.send([{ topic, key: 'attack', value: Buffer.from('x') }]);
    return true;
  } catch {
    return false;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Whether `principal` could read `topic`'s records (a group of its own principal's prefix, so only the topic grant decides). */
async function reads(security: KafkaSecurity, topic: string, groupId: string): Promise<boolean> {
  const consumer = createKafka({ clientId: `attack-${run}`, brokers, client: 'kafkajs', security }).consumer({ groupId, topics: [topic], fromBeginning: true, retryBackoffMs: 0 });
  try {
    await consumer.connect();
    const first = new Promise<boolean>((resolve) => {
      void consumer.run(async () => resolve(true)).catch(() => resolve(false));
    });
    return await Promise.race([first, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 8_000))]);
  } catch {
    return false;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

beforeAll(async () => {
  contracts = (await loadAllContracts(REPO_ROOT)).map(onOwnTopics);
  admin = createKafka({ clientId: `kafka-access-test-${run}`, brokers }).admin();
  await admin.connect();
  topics.push(...contracts.flatMap((loaded) => [loaded.contract.kafka.topic, dlqTopicFor(loaded.contract.kafka.topic)]));
  await admin.createTopics(topics.map((topic) => ({ topic, partitions: 1, replicationFactor: 1 })));
  const producer = createKafka({ clientId: `kafka-access-test-${run}`, brokers }).producer();
  await producer.connect();
  await producer.send(contracts.map((loaded) => ({ topic: loaded.contract.kafka.topic, key: 'k', value: Buffer.from('a record') })));
  await producer.disconnect();
  access = new KafkaAccessAdmin({ clientId: `kafka-access-test-${run}`, brokers });
}, 60_000);

afterAll(async () => {
  await access?.close();
  await admin?.deleteTopics(topics).catch(() => undefined);
  await admin?.disconnect();
  rmSync(secretsDir, { recursive: true, force: true });
});

describe('Kafka access from the contracts', () => {
  it('applies a principal per component and the ACLs the contracts imply, then finds no drift', async () => {
    const plan = kafkaAccessPlan(contracts, { sites: ['berlin'], principalPrefix });
    const applied = await applyKafkaAccess(access, plan, secretsDir);
    expect(applied.principals).toEqual(expect.arrayContaining([principalNames.domain('energy'), principalNames.gateway('berlin'), principalNames.registry, principalNames.sink]));
    expect(aclDrift(plan, await access.acls())).toEqual({ missing: [], unexpected: [] });
    // A grant nobody declared is drift, and the next apply takes it away.
    const stray = {
      principal: `User:${principalNames.domain('energy')}`,
      resourceType: 'TOPIC' as const,
      resourceName: topicOf('asset-health.features'),
      patternType: 'LITERAL' as const,
      operation: 'READ' as const,
    };
    await access.createAcls([stray]);
    // The broker applies committed ACLs asynchronously.
    await expect.poll(async () => aclDrift(plan, await access.acls()).unexpected, { timeout: 30_000 }).toEqual([stray]);
    expect((await applyKafkaAccess(access, plan, secretsDir)).unexpected).toEqual([stray]);
    expect(aclDrift(plan, await access.acls())).toEqual({ missing: [], unexpected: [] });
  }, 60_000);

  it('lets each component do its job: the energy domain reads its upstream and writes its product, the gateway writes raw', async () => {
    const energy = as(principalNames.domain('energy'));
    expect(await writes(energy, topicOf('energy.consumption-15m'))).toBe(true);
    expect(await reads(energy, topicOf('plant-telemetry.clean'), `energy.attack-${run}`)).toBe(true);
    expect(await writes(as(principalNames.gateway('berlin')), topicOf('plant-telemetry.raw'))).toBe(true);
    // The alerts contract opens its topic to the console (people's workflow steps); analysts read products in their own groups.
    expect(await writes(as(principalNames.console), topicOf('asset-health.alerts'))).toBe(true);
    expect(await reads(as(principalNames.analyst), topicOf('energy.consumption-15m'), `analyst.attack-${run}`)).toBe(true);
  }, 60_000);

  it('refuses every unauthorised attempt: 0 of N accepted', async () => {
    const energy = as(principalNames.domain('energy'));
    const gateway = as(principalNames.gateway('berlin'));
    const consolePrincipal = as(principalNames.console);
    const analyst = as(principalNames.analyst);
    const attempts: Array<[string, () => Promise<boolean>]> = [
      ['no credentials (PLAINTEXT to the SASL_SSL listener)', () => writes({ protocol: 'PLAINTEXT' }, topicOf('plant-telemetry.raw'))],
      ['a wrong password', () => writes(as(principalNames.domain('energy'), 'not-the-password'), topicOf('energy.consumption-15m'))],
      ['an unknown principal', () => writes(as('mallory', 'whatever'), topicOf('plant-telemetry.raw'))],
      ['a domain writing another domain’s product', () => writes(energy, topicOf('plant-telemetry.clean'))],
      ['a domain writing the raw telemetry', () => writes(energy, topicOf('plant-telemetry.raw'))],
      ['a gateway writing a derived product', () => writes(gateway, topicOf('plant-telemetry.clean'))],
      ['a domain writing _schemas', () => writes(energy, PLATFORM_TOPICS.schemas)],
      ['a gateway writing _schemas', () => writes(gateway, PLATFORM_TOPICS.schemas)],
      ['a domain writing the contract audit log', () => writes(energy, PLATFORM_TOPICS.contractAudit)],
      ['the sink writing the contract audit log', () => writes(as(principalNames.sink), PLATFORM_TOPICS.contractAudit)],
      ['a domain reading a product it has no grant for', () => reads(energy, topicOf('asset-health.features'), `energy.attack-${run}-2`)],
      ['a gateway reading a product', () => reads(gateway, topicOf('plant-telemetry.clean'), `fieldmesh-gateway.attack-${run}`)],
      ['a domain consuming in another domain’s group', () => reads(energy, topicOf('plant-telemetry.clean'), `plant-telemetry.attack-${run}`)],
      ['the console writing a product no contract opens to it', () => writes(consolePrincipal, topicOf('plant-telemetry.clean'))],
      ['the console writing the anomaly scores the alerts derive from', () => writes(consolePrincipal, topicOf('asset-health.anomaly-scores'))],
      ['the console writing _schemas', () => writes(consolePrincipal, PLATFORM_TOPICS.schemas)],
      ['the SLO monitor writing a product', () => writes(as(principalNames.slo), topicOf('plant-telemetry.raw'))],
      ['an analyst writing a product', () => writes(analyst, topicOf('asset-health.alerts'))],
      ['an analyst consuming in the console’s group', () => reads(analyst, topicOf('energy.consumption-15m'), `fieldmesh-console-attack-${run}`)],
    ];
    const accepted: string[] = [];
    for (const [name, attempt] of attempts) if (await attempt()) accepted.push(name);
    console.log(`Kafka attack matrix: ${accepted.length} of ${attempts.length} accepted${accepted.length ? `: ${accepted.join('; ')}` : ''}`);
    expect(accepted).toEqual([]);
  }, 240_000);
});
