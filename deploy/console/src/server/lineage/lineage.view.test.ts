import {
  clickhouseDataset,
  columnLineage,
  LineageDatasetUnknown,
  identityColumnLineage,
  kafkaDataset,
  LineageGraph,
  mqttDataset,
  opcuaDataset,
  runEvent,
} from '@fieldmesh/lineage';
import { describe, expect, it } from 'vitest';
import { lineageDatasets, lineageView, resolveDataset } from './lineage.view';

const K = '127.0.0.1:9092';
const mqttTopic = mqttDataset('mqtt://127.0.0.1:1883', 'plant/site1/line1/pump1/vibration');
const opcNode = opcuaDataset('opc.tcp://127.0.0.1:4840', 'ns=2;s=Line1.Pump1.BearingTemperature');
const raw = kafkaDataset(K, 'plant.telemetry.raw.v1', { type: 'record', name: 'Raw', fields: [{ name: 'value', type: 'double' }] });
const scores = kafkaDataset(K, 'asset-health.anomaly-scores.v1', undefined, {
  columnLineage: columnLineage({ score: { dataset: raw, fields: ['value'], kind: 'AGGREGATION', transformation: 'isolation forest' } }),
});
const table = clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'asset_health_anomaly_scores_v1', { columnLineage: identityColumnLineage(scores, ['score']) });
const job = (name: string, inputs: Parameters<typeof runEvent>[0]['job']['inputs'], outputs: Parameters<typeof runEvent>[0]['job']['outputs']) => ({
  namespace: 'fieldmesh',
  name,
  inputs,
  outputs,
});
const graph = LineageGraph.fromEvents([
  runEvent({ eventType: 'START', job: job('edge-gateway.gw-1', [mqttTopic, opcNode], [raw]) }),
  runEvent({ eventType: 'START', job: job('asset-health.anomaly-operator', [raw], [scores]) }),
  runEvent({ eventType: 'START', job: job('clickhouse-sink', [scores], [table]) }),
]);

describe('lineage view', () => {
  it('shows a product from the MQTT topic and OPC UA node through the jobs to its ClickHouse table', () => {
    const view = lineageView(graph, graph.resolve('asset-health.anomaly-scores.v1'));
    expect(view.root).toBe('topic:asset-health.anomaly-scores.v1');
    expect(view.nodes.map((n) => n.id).sort()).toEqual([
      'job:asset-health.anomaly-operator',
      'job:clickhouse-sink',
      'job:edge-gateway.gw-1',
      'mqtt:plant/site1/line1/pump1/vibration',
      'opcua:ns=2;s=Line1.Pump1.BearingTemperature',
      'table:fieldmesh.asset_health_anomaly_scores_v1',
      'topic:asset-health.anomaly-scores.v1',
      'topic:plant.telemetry.raw.v1',
    ]);
    expect(view.edges).toContainEqual({ from: 'mqtt:plant/site1/line1/pump1/vibration', to: 'job:edge-gateway.gw-1' });
    expect(view.edges).toContainEqual({ from: 'job:clickhouse-sink', to: 'table:fieldmesh.asset_health_anomaly_scores_v1' });
    expect(view.nodes.find((n) => n.kind === 'opcua')).toMatchObject({ namespace: 'opcua://127.0.0.1:4840', name: 'ns=2;s=Line1.Pump1.BearingTemperature', field: null });
  });

  it('shows a ClickHouse column back to the sources, column edges labelled with job and derivation', () => {
    const view = lineageView(graph, graph.resolve('fieldmesh.asset_health_anomaly_scores_v1#score'));
    expect(view.root).toBe('column:fieldmesh.asset_health_anomaly_scores_v1#score');
    expect(view.edges).toContainEqual({
      from: 'column:plant.telemetry.raw.v1#value',
      to: 'column:asset-health.anomaly-scores.v1#score',
      label: 'asset-health.anomaly-operator (AGGREGATION: isolation forest)',
    });
    // The gateway declared no column lineage: the walk reaches its sources at dataset level.
    expect(view.edges).toContainEqual({ from: 'mqtt:plant/site1/line1/pump1/vibration', to: 'column:plant.telemetry.raw.v1#value', label: 'edge-gateway.gw-1' });
    expect(view.nodes.filter((n) => n.kind === 'job')).toEqual([]);
  });

  it('lists the datasets by kind with their schema columns', () => {
    const datasets = lineageDatasets(graph);
    expect(datasets.map((d) => `${d.kind}:${d.name}`)).toEqual([
      'mqtt:plant/site1/line1/pump1/vibration',
      'opcua:ns=2;s=Line1.Pump1.BearingTemperature',
      'table:fieldmesh.asset_health_anomaly_scores_v1',
      'topic:asset-health.anomaly-scores.v1',
      'topic:plant.telemetry.raw.v1',
    ]);
    expect(datasets.find((d) => d.name === 'plant.telemetry.raw.v1')?.fields).toEqual(['value']);
  });

  it("picks the console's own cluster when a name exists in several (an old broker address)", () => {
    const moved = kafkaDataset('127.0.0.1:19092', 'asset-health.anomaly-scores.v1');
    const twice = LineageGraph.fromEvents([
      runEvent({ eventType: 'START', job: job('asset-health.anomaly-operator', [raw], [scores]) }),
      runEvent({ eventType: 'START', job: job('asset-health.anomaly-operator-old', [], [moved]) }),
    ]);
    expect(() => twice.resolve('asset-health.anomaly-scores.v1')).toThrow(LineageDatasetUnknown);
    expect(resolveDataset(twice, 'asset-health.anomaly-scores.v1#score', ['kafka://127.0.0.1:9092'])).toEqual({
      namespace: 'kafka://127.0.0.1:9092',
      name: 'asset-health.anomaly-scores.v1',
      field: 'score',
    });
    expect(() => resolveDataset(twice, 'asset-health.anomaly-scores.v1', ['kafka://10.0.0.1:9092'])).toThrow(/names 2 datasets/);
  });
});
