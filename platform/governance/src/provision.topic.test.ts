import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replicationOnCluster } from '@fieldmesh/kafka';
import { loadContract } from './contract.loader';
import { dataContractSchema } from './contract.schema';
import { DLQ_MIN_RETENTION_MS, dlqTopicSpecFor, topicSpecFor } from './provision.topic';

const root = join(import.meta.dirname, '..', '..', '..');
const load = (file: string) => loadContract(join(root, 'contracts', file), root).contract;

describe('topic specs from a contract', () => {
  it('keeps dead letters at least two weeks, even for a product kept one week', () => {
    const raw = load('plant-telemetry/raw.yaml');
    expect(dlqTopicSpecFor(raw)).toEqual({
      topic: 'plant.telemetry.raw.v1.dlq',
      partitions: 1,
      replicationFactor: 3,
      configs: { 'retention.ms': String(DLQ_MIN_RETENTION_MS), 'cleanup.policy': 'delete', 'min.insync.replicas': '2' },
    });
  });

  it('keeps dead letters as long as the product when the product is kept longer than two weeks', () => {
    const raw = load('plant-telemetry/raw.yaml');
    const kept30Days = { ...raw, retention: { ...raw.retention, kafka: 'P30D' } };
    expect(dlqTopicSpecFor(kept30Days).configs).toEqual({ 'retention.ms': String(30 * 86_400_000), 'cleanup.policy': 'delete', 'min.insync.replicas': '2' });
  });

  it('names the topic and its DLQ after an override, with the contract’s partitions and retention', () => {
    const clean = load('plant-telemetry/clean.yaml');
    expect(topicSpecFor(clean, 'side.clean.v1')).toMatchObject({ topic: 'side.clean.v1', partitions: clean.kafka.partitions, configs: { 'retention.ms': String(7 * 86_400_000) } });
    expect(dlqTopicSpecFor(clean, 'side.clean.v1').topic).toBe('side.clean.v1.dlq');
  });

  it('asks for replication factor 3 and min.insync.replicas 2 unless the contract says otherwise, and gets what a smaller cluster can give', () => {
    const clean = load('plant-telemetry/clean.yaml');
    const { minInSyncReplicas: _, ...unsaid } = clean.kafka;
    const defaults = dataContractSchema.shape.kafka.parse({ ...unsaid, replicationFactor: undefined });
    expect(topicSpecFor({ ...clean, kafka: defaults })).toMatchObject({ replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const oneBroker = replicationOnCluster(topicSpecFor(clean), 1);
    expect(oneBroker).toMatchObject({ capped: true, spec: { replicationFactor: 1, configs: { 'min.insync.replicas': '1', 'retention.ms': String(7 * 86_400_000) } } });
    expect(replicationOnCluster(topicSpecFor(clean), 3)).toMatchObject({ capped: false, spec: { replicationFactor: 3, configs: { 'min.insync.replicas': '2' } } });
  });

  it('refuses a contract whose min.insync.replicas exceeds its replication factor, naming the field', () => {
    const { kafka } = load('plant-telemetry/clean.yaml');
    const result = dataContractSchema.shape.kafka.safeParse({ ...kafka, replicationFactor: 1, minInSyncReplicas: 2 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['minInSyncReplicas'], message: 'must be at most replicationFactor: acks=all writes could never succeed' }),
    ]);
  });
});
