import { join } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import type { BatchHandler, ConsumerOptions, KafkaPort, OutgoingRecord, TopicSpec } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, it } from 'vitest';
import { startSloMonitor } from './slo.monitor';
import type { SloEvent } from './slo.types';

const LINE_1 = 'acme/berlin/press-shop/line-1';
const START = Date.parse('2026-01-01T00:00:00Z');

/** The raw product with a 4 s maxAge, so a 1 s tick is allowed. */
function rawContract(): LoadedContract {
  const raw = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
  return { ...raw, contract: { ...raw.contract, slos: { ...raw.contract.slos, freshness: { maxAge: 'PT4S' } } } };
}

/** An in-memory Kafka: the test hands records to the monitor's consumer and sees what it produces. */
class FakeKafka implements KafkaPort {
  topics = new Set(['plant.telemetry.raw.v1']);
  created: TopicSpec[] = [];
  consumerOptions?: ConsumerOptions;
  handler?: BatchHandler;
  produced: OutgoingRecord[] = [];
  failSends = 0;
  disconnected: string[] = [];

  producer() {
    return {
      connect: async () => {},
      send: async (records: OutgoingRecord[]) => {
        if (this.failSends > 0) {
          this.failSends -= 1;
          throw new Error('broker not available');
        }
        this.produced.push(...records);
        return [];
      },
      disconnect: async () => void this.disconnected.push('producer'),
    };
  }

  consumer(options: ConsumerOptions) {
    this.consumerOptions = options;
    return {
      connect: async () => {},
      run: async (handler: BatchHandler) => void (this.handler = handler),
      disconnect: async () => void this.disconnected.push('consumer'),
    };
  }

  admin() {
    return {
      connect: async () => {},
      createTopics: async (specs: TopicSpec[]) => {
        this.created.push(...specs);
        return specs.map((spec) => spec.topic);
      },
      listTopics: async () => [...this.topics],
      describeTopicConfigs: async () => ({}),
      alterTopicConfigs: async () => {},
      deleteTopics: async () => {},
      fetchGroupOffsets: async () => [],
      fetchTopicEndOffsets: async () => [],
      describeCluster: async () => ({ brokers: [1] }),
      describeTopicPartitions: async () => [],
      disconnect: async () => {},
    };
  }

  async deliver(key: string, timestamp: number): Promise<void> {
    await this.handler!({ records: [{ topic: 'plant.telemetry.raw.v1', partition: 0, offset: '0', key: Buffer.from(key), value: Buffer.from('x'), headers: {}, timestamp }] });
  }
}

describe('startSloMonitor', () => {
  it('reads the product topics from the latest record with a group of its own and creates the SLO topic with 30 days retention', async () => {
    const kafka = new FakeKafka();
    const monitor = await startSloMonitor({ kafka, contracts: [rawContract()], tickMs: 1_000 });
    await monitor.close();
    expect(kafka.consumerOptions).toMatchObject({ topics: ['plant.telemetry.raw.v1'], fromBeginning: false });
    expect(kafka.consumerOptions!.groupId).toMatch(/^fieldmesh-slo-monitor-/);
    expect(kafka.created).toEqual([
      { topic: '_fieldmesh.slo', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 86_400_000) } },
    ]);
    expect(kafka.disconnected.sort()).toEqual(['consumer', 'producer']);
  });

  it('publishes each transition as JSON keyed <topic>|<slo>|<scope>, and retries what Kafka refused on the next tick', async () => {
    const kafka = new FakeKafka();
    const clock = { ms: START, now: () => clock.ms };
    const seen: SloEvent[] = [];
    const warnings: string[] = [];
    const monitor = await startSloMonitor({ kafka, contracts: [rawContract()], tickMs: 1_000, clock, onEvent: (event) => seen.push(event), warn: (line) => warnings.push(line) });
    try {
      await kafka.deliver(`${LINE_1}/pump-1`, START);
      clock.ms += 4_500;
      kafka.failSends = 1;
      const events = await monitor.tick();
      expect(events.map((event) => `${event.type} ${event.slo} ${event.scope}`)).toEqual(['BREACHED freshness *', `BREACHED freshness ${LINE_1}`]);
      expect(kafka.produced).toEqual([]);
      expect(warnings[0]).toContain('2 event(s) not yet published to _fieldmesh.slo (broker not available); retrying on the next tick');

      clock.ms += 1_000;
      expect(await monitor.tick()).toEqual([]);
      expect(kafka.produced.map((record) => record.key)).toEqual(['plant.telemetry.raw.v1|freshness|*', `plant.telemetry.raw.v1|freshness|${LINE_1}`]);
      expect(kafka.produced.map((record) => JSON.parse(record.value!.toString()) as SloEvent)).toEqual(events);
      expect(kafka.produced[0]).toMatchObject({ topic: '_fieldmesh.slo', timestamp: START + 4_500 });
      expect(seen).toEqual(events);
      expect(monitor.events()).toEqual(events);
      expect(monitor.status().find((status) => status.slo === 'freshness' && status.scope === LINE_1)).toMatchObject({ state: 'breached', observed: 5_500, objective: 4_000 });
    } finally {
      await monitor.close();
      await monitor.close();
    }
  });

  it('refuses to start on a product topic that does not exist', async () => {
    const kafka = new FakeKafka();
    kafka.topics.clear();
    await expect(startSloMonitor({ kafka, contracts: [rawContract()] })).rejects.toThrow('The SLO monitor cannot watch plant.telemetry.raw.v1: the topic does not exist.');
    expect(kafka.consumerOptions).toBeUndefined();
  });
});
