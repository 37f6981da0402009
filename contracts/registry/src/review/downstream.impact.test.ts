import { clickhouseDataset, kafkaDataset, LineageGraph, mqttDataset, runEvent } from '@fieldmesh/lineage';
import { describe, expect, it } from 'vitest';
import { downstreamOf } from './downstream.impact';

const brokers = ['127.0.0.1:9092'];
const job = (name: string, inputs: ReturnType<typeof kafkaDataset>[], outputs: ReturnType<typeof kafkaDataset>[]) =>
  runEvent({ eventType: 'RUNNING', job: { name, namespace: 'fieldmesh', inputs, outputs } });

const graph = LineageGraph.fromEvents([
  job('edge-gateway.gw-1', [mqttDataset('mqtt://127.0.0.1:1883', 'plant/line-1/#')], [kafkaDataset(brokers, 'plant-telemetry.raw.v1')]),
  job('plant-telemetry.clean', [kafkaDataset(brokers, 'plant-telemetry.raw.v1')], [kafkaDataset(brokers, 'plant-telemetry.clean.v1')]),
  job('asset-health.features', [kafkaDataset(brokers, 'plant-telemetry.clean.v1')], [kafkaDataset(brokers, 'asset-health.features.v1')]),
  job(
    'clickhouse-sink',
    [kafkaDataset(brokers, 'plant-telemetry.clean.v1'), kafkaDataset(brokers, 'asset-health.features.v1')],
    [clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'plant_telemetry_clean_v1'), clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'asset_health_features_v1')],
  ),
]);

describe('downstream impact of a contract topic', () => {
  it('lists the jobs reading the topic, the products they write and the tables at the end, transitively', () => {
    const contracts: Record<string, string> = { 'asset-health.features.v1': 'asset-health.features' };
    expect(downstreamOf(graph, ['plant-telemetry.clean.v1'], (topic) => contracts[topic])).toEqual(
      expect.arrayContaining([
        { kind: 'job', name: 'asset-health.features', via: 'plant-telemetry.clean.v1' },
        { kind: 'product', name: 'asset-health.features', via: 'asset-health.features' },
        { kind: 'job', name: 'clickhouse-sink', via: 'plant-telemetry.clean.v1' },
        { kind: 'table', name: 'fieldmesh.plant_telemetry_clean_v1', via: 'clickhouse-sink' },
        { kind: 'table', name: 'fieldmesh.asset_health_features_v1', via: 'clickhouse-sink' },
      ]),
    );
  });

  it('leaves out what is upstream, and lists each impact once', () => {
    const impacts = downstreamOf(graph, ['plant-telemetry.clean.v1'], () => undefined);
    expect(impacts.map((impact) => impact.name)).not.toContain('plant-telemetry.clean');
    expect(impacts.map((impact) => impact.name)).not.toContain('edge-gateway.gw-1');
    expect(new Set(impacts.map((impact) => `${impact.kind}|${impact.name}`)).size).toBe(impacts.length);
  });

  it('finds nothing for a topic lineage does not know', () => {
    expect(downstreamOf(graph, ['energy.consumption-15m.v1'], () => undefined)).toEqual([]);
  });
});
