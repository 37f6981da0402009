import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KafkaAdminPort, TopicSpec } from './ports';
import { ReplicationCappingAdmin, replicationOnCluster } from './topic.replication';

const spec: TopicSpec = { topic: 'plant.telemetry.raw.v1', partitions: 6, replicationFactor: 3, configs: { 'retention.ms': '604800000' } };

describe('replication on a cluster', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives three replicas with two in sync on three brokers or more, unchanged', () => {
    expect(replicationOnCluster(spec, 3)).toEqual({ capped: false, spec: { ...spec, configs: { 'retention.ms': '604800000', 'min.insync.replicas': '2' } } });
    expect(replicationOnCluster(spec, 5).spec.replicationFactor).toBe(3);
  });

  it('caps the factor by the brokers and min.insync.replicas by the factor, so one broker still takes acks=all writes', () => {
    expect(replicationOnCluster(spec, 1)).toMatchObject({ capped: true, spec: { replicationFactor: 1, configs: { 'min.insync.replicas': '1' } } });
    expect(replicationOnCluster(spec, 2)).toMatchObject({ capped: true, spec: { replicationFactor: 2, configs: { 'min.insync.replicas': '2' } } });
  });

  it('gives a topic that asks for one replica that one in sync, without calling it capped', () => {
    expect(replicationOnCluster({ ...spec, replicationFactor: 1 }, 3)).toMatchObject({ capped: false, spec: { replicationFactor: 1, configs: { 'min.insync.replicas': '1' } } });
  });

  it("keeps a topic's own min.insync.replicas when the cluster can give it", () => {
    expect(replicationOnCluster({ ...spec, replicationFactor: 5, configs: { 'min.insync.replicas': '3' } }, 5).spec.configs).toEqual({ 'min.insync.replicas': '3' });
  });

  it('creates topics as the cluster it finds can hold them, warning once per process', async () => {
    const created: TopicSpec[][] = [];
    const inner = { describeCluster: async () => ({ brokers: [1] }), createTopics: async (topics: TopicSpec[]) => (created.push(topics), topics.map((t) => t.topic)) };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const admin = new ReplicationCappingAdmin(inner as unknown as KafkaAdminPort);
    await admin.createTopics([spec]);
    await admin.createTopics([{ ...spec, topic: '_fieldmesh.lineage' }]);
    expect(created.flat().map((t) => [t.topic, t.replicationFactor, t.configs?.['min.insync.replicas']])).toEqual([
      ['plant.telemetry.raw.v1', 1, '1'],
      ['_fieldmesh.lineage', 1, '1'],
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/1 broker\(s\): topics get replication factor 1 and min.insync.replicas 1 instead of the 3 and 2 .*--brokers 3/);
  });
});
