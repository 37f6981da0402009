import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from './contract.loader';
import { DLQ_MIN_RETENTION_MS, dlqTopicSpecFor, topicSpecFor } from './provision.topic';

const root = join(import.meta.dirname, '..', '..', '..');
const load = (file: string) => loadContract(join(root, 'contracts', file), root).contract;

describe('topic specs from a contract', () => {
  it('keeps dead letters at least two weeks, even for a product kept one week', () => {
    const raw = load('plant-telemetry/raw.yaml');
    expect(dlqTopicSpecFor(raw)).toEqual({
      topic: 'plant.telemetry.raw.v1.dlq',
      partitions: 1,
      replicationFactor: 1,
      configs: { 'retention.ms': String(DLQ_MIN_RETENTION_MS), 'cleanup.policy': 'delete' },
    });
  });

  it('keeps dead letters as long as the product when the product is kept longer than two weeks', () => {
    const raw = load('plant-telemetry/raw.yaml');
    const kept30Days = { ...raw, retention: { ...raw.retention, kafka: 'P30D' } };
    expect(dlqTopicSpecFor(kept30Days).configs).toEqual({ 'retention.ms': String(30 * 86_400_000), 'cleanup.policy': 'delete' });
  });

  it('names the topic and its DLQ after an override, with the contract’s partitions and retention', () => {
    const clean = load('plant-telemetry/clean.yaml');
    expect(topicSpecFor(clean, 'side.clean.v1')).toMatchObject({ topic: 'side.clean.v1', partitions: clean.kafka.partitions, configs: { 'retention.ms': String(7 * 86_400_000) } });
    expect(dlqTopicSpecFor(clean, 'side.clean.v1').topic).toBe('side.clean.v1.dlq');
  });
});
