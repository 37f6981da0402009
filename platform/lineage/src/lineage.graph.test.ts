import { describe, expect, it } from 'vitest';
import { columnLineage, identityColumnLineage } from './column-lineage';
import { clickhouseDataset, kafkaDataset, mqttDataset, opcuaDataset } from './dataset.factory';
import { LineageDatasetUnknown } from './errors';
import { LineageGraph } from './lineage.graph';
import { formatLineageTree } from './lineage.format';
import { runEvent, type JobSpec } from './run-event.builder';

const K = '127.0.0.1:9092';
const mqttTopic = mqttDataset('mqtt://127.0.0.1:1883', 'plant/site1/line1/pump1/vibration');
const opcNode = opcuaDataset('opc.tcp://127.0.0.1:4840', 'ns=2;s=Line1.Pump1.BearingTemperature');
const raw = kafkaDataset(K, 'plant.telemetry.raw.v1');
const clean = kafkaDataset(K, 'plant.telemetry.clean.v1', undefined, {
  columnLineage: columnLineage({
    value: { dataset: raw, fields: ['value', 'unit'], transformation: 'converted to the canonical unit' },
    assetPath: { dataset: raw, fields: 'assetPath', kind: 'IDENTITY' },
  }),
});
const features = kafkaDataset(K, 'asset-health.features.v1', undefined, {
  columnLineage: columnLineage({
    rms: { dataset: clean, fields: 'value', kind: 'AGGREGATION', transformation: 'RMS per 10 s window' },
    assetPath: { dataset: clean, fields: 'assetPath', kind: 'IDENTITY' },
  }),
});
const scores = kafkaDataset(K, 'asset-health.anomaly-scores.v1', undefined, {
  columnLineage: columnLineage({ score: { dataset: features, fields: ['rms'], transformation: 'isolation forest' } }),
});
const scoresTable = clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'asset_health_anomaly_scores_v1', { columnLineage: identityColumnLineage(scores, ['score']) });
const cleanTable = clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'plant_telemetry_clean_v1', { columnLineage: identityColumnLineage(clean, ['value', 'assetPath']) });

const job = (name: string, inputs: JobSpec['inputs'], outputs: JobSpec['outputs']) => ({ namespace: 'fieldmesh', name, inputs, outputs });
const pipeline = [
  // The gateway declares no column lineage: a column walk continues at dataset level to its sources.
  runEvent({ eventType: 'START', job: job('edge-gateway.gw-1', [mqttTopic, opcNode], [raw]) }),
  runEvent({ eventType: 'START', job: job('plant-telemetry.clean', [raw], [clean]) }),
  runEvent({ eventType: 'START', job: job('asset-health.features', [clean], [features]) }),
  runEvent({ eventType: 'RUNNING', job: job('asset-health.operator', [features], [scores]) }),
  runEvent({ eventType: 'START', job: job('clickhouse-sink', [scores, clean], [scoresTable, cleanTable]) }),
];

const ids = (walk: { nodes: Array<{ id: string }> }) => walk.nodes.map((n) => n.id).sort();

describe('LineageGraph', () => {
  const graph = LineageGraph.fromEvents(pipeline);

  it('walks a product upstream to the MQTT topic and OPC UA node the gateway read', () => {
    const walk = graph.upstream(graph.resolve('asset-health.anomaly-scores.v1'));
    expect(ids(walk)).toEqual([
      'kafka://127.0.0.1:9092/asset-health.anomaly-scores.v1',
      'kafka://127.0.0.1:9092/asset-health.features.v1',
      'kafka://127.0.0.1:9092/plant.telemetry.clean.v1',
      'kafka://127.0.0.1:9092/plant.telemetry.raw.v1',
      'mqtt://127.0.0.1:1883/plant/site1/line1/pump1/vibration',
      'opcua://127.0.0.1:4840/ns=2;s=Line1.Pump1.BearingTemperature',
    ]);
  });

  it('walks a column upstream through the declared derivations, then to the gateway sources', () => {
    const walk = graph.upstream(graph.resolve('fieldmesh.asset_health_anomaly_scores_v1#score'));
    expect(ids(walk)).toEqual([
      'clickhouse://127.0.0.1:8123/fieldmesh.asset_health_anomaly_scores_v1#score',
      'kafka://127.0.0.1:9092/asset-health.anomaly-scores.v1#score',
      'kafka://127.0.0.1:9092/asset-health.features.v1#rms',
      'kafka://127.0.0.1:9092/plant.telemetry.clean.v1#value',
      'kafka://127.0.0.1:9092/plant.telemetry.raw.v1#unit',
      'kafka://127.0.0.1:9092/plant.telemetry.raw.v1#value',
      'mqtt://127.0.0.1:1883/plant/site1/line1/pump1/vibration',
      'opcua://127.0.0.1:4840/ns=2;s=Line1.Pump1.BearingTemperature',
    ]);
    expect(walk.edges).toContainEqual({
      from: 'kafka://127.0.0.1:9092/plant.telemetry.clean.v1#value',
      to: 'kafka://127.0.0.1:9092/asset-health.features.v1#rms',
      job: 'fieldmesh/asset-health.features',
      subtype: 'AGGREGATION',
      transformation: 'RMS per 10 s window',
    });
  });

  it('walks a column downstream only where it flows, to the ClickHouse columns', () => {
    const walk = graph.downstream(graph.resolve('plant.telemetry.raw.v1#unit'));
    expect(ids(walk)).toEqual([
      'clickhouse://127.0.0.1:8123/fieldmesh.asset_health_anomaly_scores_v1#score',
      'clickhouse://127.0.0.1:8123/fieldmesh.plant_telemetry_clean_v1#value',
      'kafka://127.0.0.1:9092/asset-health.anomaly-scores.v1#score',
      'kafka://127.0.0.1:9092/asset-health.features.v1#rms',
      'kafka://127.0.0.1:9092/plant.telemetry.clean.v1#value',
      'kafka://127.0.0.1:9092/plant.telemetry.raw.v1#unit',
    ]);
    // assetPath is not derived from unit, so it is not downstream of it.
    expect(ids(walk).some((id) => id.endsWith('#assetPath'))).toBe(false);
  });

  it('walks a source downstream at dataset level to every table', () => {
    const walk = graph.downstream(graph.resolve('ns=2;s=Line1.Pump1.BearingTemperature'));
    expect(ids(walk).filter((id) => id.startsWith('clickhouse://'))).toEqual([
      'clickhouse://127.0.0.1:8123/fieldmesh.asset_health_anomaly_scores_v1',
      'clickhouse://127.0.0.1:8123/fieldmesh.plant_telemetry_clean_v1',
    ]);
  });

  it('describes each job by its latest run, so a job that changed its inputs loses the old ones', () => {
    const old = runEvent({ eventType: 'START', job: job('plant-telemetry.clean', [kafkaDataset(K, 'legacy.v1')], [clean]), eventTime: new Date(Date.now() - 60_000) });
    const changed = LineageGraph.fromEvents([old, ...pipeline]);
    expect(ids(changed.upstream(changed.resolve('plant.telemetry.clean.v1')))).not.toContain('kafka://127.0.0.1:9092/legacy.v1');
    expect(changed.jobs.find((j) => j.name === 'plant-telemetry.clean')?.inputs.map((d) => d.name)).toEqual(['plant.telemetry.raw.v1']);
  });

  it('skips and counts what is not a run event instead of failing', () => {
    const mixed = LineageGraph.fromEvents([...pipeline, 'not json', { eventType: 'START', job: { namespace: 'x' } }]);
    expect(mixed.skipped).toBe(2);
    expect(mixed.jobs).toHaveLength(5);
  });

  it('refuses an unknown name and asks for the full id when a name is in two namespaces', () => {
    expect(() => graph.resolve('no.such.topic.v1')).toThrow(LineageDatasetUnknown);
    const twoClusters = LineageGraph.fromEvents([
      ...pipeline,
      runEvent({ eventType: 'START', job: job('mirror', [raw], [kafkaDataset('10.0.0.1:9092', 'plant.telemetry.raw.v1')]) }),
    ]);
    expect(() => twoClusters.resolve('plant.telemetry.raw.v1')).toThrow(/names 2 datasets/);
    expect(twoClusters.resolve('kafka://10.0.0.1:9092/plant.telemetry.raw.v1#value')).toEqual({
      namespace: 'kafka://10.0.0.1:9092',
      name: 'plant.telemetry.raw.v1',
      field: 'value',
    });
  });

  it('prints a walk as a tree with the job and transformation of each step', () => {
    const text = formatLineageTree(graph.upstream(graph.resolve('asset-health.features.v1#rms')));
    expect(text.split('\n')).toEqual([
      'kafka://127.0.0.1:9092/asset-health.features.v1#rms  (upstream)',
      '  ← kafka://127.0.0.1:9092/plant.telemetry.clean.v1#value  via fieldmesh/asset-health.features (AGGREGATION: RMS per 10 s window)',
      '    ← kafka://127.0.0.1:9092/plant.telemetry.raw.v1#value  via fieldmesh/plant-telemetry.clean (TRANSFORMATION: converted to the canonical unit)',
      '      ← mqtt://127.0.0.1:1883/plant/site1/line1/pump1/vibration  via fieldmesh/edge-gateway.gw-1',
      '      ← opcua://127.0.0.1:4840/ns=2;s=Line1.Pump1.BearingTemperature  via fieldmesh/edge-gateway.gw-1',
      '    ← kafka://127.0.0.1:9092/plant.telemetry.raw.v1#unit  via fieldmesh/plant-telemetry.clean (TRANSFORMATION: converted to the canonical unit)',
      '      ← mqtt://127.0.0.1:1883/plant/site1/line1/pump1/vibration  via fieldmesh/edge-gateway.gw-1',
      '      ← opcua://127.0.0.1:4840/ns=2;s=Line1.Pump1.BearingTemperature  via fieldmesh/edge-gateway.gw-1',
    ]);
  });
});
