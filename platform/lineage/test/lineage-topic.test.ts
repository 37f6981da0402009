import { randomUUID } from 'node:crypto';
import { createKafka, type KafkaPort } from '@fieldmesh/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clickhouseDataset,
  columnLineage,
  identityColumnLineage,
  kafkaDataset,
  lineageEmitter,
  LineageReadFailed,
  mqttDataset,
  opcuaDataset,
  readLineageGraph,
  runEventSchema,
  type LineageEmitter,
} from '../src/index';

const brokers = inject('kafkaBrokers');
let kafka: KafkaPort;
let topic: string;
let emitter: LineageEmitter;

beforeAll(async () => {
  kafka = createKafka({ clientId: 'lineage-test', brokers: brokers.split(',') });
  topic = `_fieldmesh.lineage.test-${randomUUID().slice(0, 8)}`;
  emitter = lineageEmitter({ kafka, topic });
  await emitter.connect();
});

afterAll(async () => {
  await emitter?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics([topic]).catch(() => undefined);
  await admin.disconnect();
});

/** A fake pipeline as the real jobs will report it: gateway → domain job → operator → sink. */
async function emitPipeline(): Promise<void> {
  const mqtt = mqttDataset(inject('mqttUrl'), 'plant/site1/line1/pump1/vibration');
  const opcua = opcuaDataset('opc.tcp://127.0.0.1:4840/UA/Plant', 'ns=2;s=Line1.Pump1.BearingTemperature');
  const raw = kafkaDataset(brokers, 'plant.telemetry.raw.v1');
  const clean = kafkaDataset(brokers, 'plant.telemetry.clean.v1', undefined, { columnLineage: columnLineage({ value: { dataset: raw, fields: ['value', 'unit'] } }) });
  const scores = kafkaDataset(brokers, 'asset-health.anomaly-scores.v1', undefined, {
    columnLineage: columnLineage({ score: { dataset: clean, fields: 'value', kind: 'AGGREGATION' } }),
  });
  const table = clickhouseDataset(inject('clickhouseUrl'), 'fieldmesh', 'asset_health_anomaly_scores_v1', { columnLineage: identityColumnLineage(scores, ['score']) });
  const gateway = emitter.run({ name: 'edge-gateway.gw-1', inputs: [mqtt, opcua], outputs: [raw] });
  await gateway.start();
  await gateway.running();
  await emitter.run({ name: 'plant-telemetry.clean', inputs: [raw], outputs: [clean] }).start();
  const operator = emitter.run({ name: 'asset-health.operator', inputs: [clean], outputs: [scores] });
  await operator.start();
  await operator.fail(new Error('model file missing'));
  await emitter.run({ name: 'clickhouse-sink', inputs: [scores], outputs: [table] }).start();
}

describe('lineage on Kafka', () => {
  it('events written to the lineage topic come back as a graph that walks from a ClickHouse column to the gateway sources', async () => {
    await emitPipeline();
    const graph = await readLineageGraph(kafka, { topic });
    expect(graph.skipped).toBe(0);
    expect(graph.jobs.map((j) => `${j.name}:${j.lastEventType}`).sort()).toEqual([
      'asset-health.operator:FAIL',
      'clickhouse-sink:START',
      'edge-gateway.gw-1:RUNNING',
      'plant-telemetry.clean:START',
    ]);
    const upstream = graph.upstream(graph.resolve('fieldmesh.asset_health_anomaly_scores_v1#score'));
    const names = upstream.nodes.map((n) => `${n.name}${n.field ? `#${n.field}` : ''}`).sort();
    expect(names).toEqual([
      'asset-health.anomaly-scores.v1#score',
      'fieldmesh.asset_health_anomaly_scores_v1#score',
      'ns=2;s=Line1.Pump1.BearingTemperature',
      'plant.telemetry.clean.v1#value',
      'plant.telemetry.raw.v1#unit',
      'plant.telemetry.raw.v1#value',
      'plant/site1/line1/pump1/vibration',
    ]);
    const downstream = graph.downstream(graph.resolve('plant/site1/line1/pump1/vibration'));
    expect(downstream.nodes.map((n) => n.name)).toContain('fieldmesh.asset_health_anomaly_scores_v1');
  });

  it('keys each record by job and stores valid OpenLineage JSON', async () => {
    const consumer = kafka.consumer({ groupId: `lineage-test-${randomUUID()}`, topics: [topic], fromBeginning: true });
    const records: Array<{ key: string; value: unknown }> = [];
    let enough!: () => void;
    const done = new Promise<void>((resolve) => (enough = resolve));
    await consumer.connect();
    await consumer.run(async (batch) => {
      for (const r of batch.records) records.push({ key: r.key!.toString(), value: JSON.parse(r.value!.toString()) });
      if (records.length >= 6) enough();
    });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${records.length} of the 6 events came back`)), 30_000))]);
    await consumer.disconnect();
    expect(new Set(records.map((r) => r.key))).toEqual(
      new Set(['fieldmesh/edge-gateway.gw-1', 'fieldmesh/plant-telemetry.clean', 'fieldmesh/asset-health.operator', 'fieldmesh/clickhouse-sink']),
    );
    for (const record of records) expect(runEventSchema.safeParse(record.value).success).toBe(true);
  });

  it('creates the lineage topic compacted, so the latest event per job survives', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const configs = await admin.describeTopicConfigs(topic);
    await admin.disconnect();
    expect(configs['cleanup.policy']).toBe('compact');
  });

  it('says that no job has emitted lineage when the topic does not exist', async () => {
    const error = await readLineageGraph(kafka, { topic: `_fieldmesh.lineage.absent-${randomUUID().slice(0, 8)}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageReadFailed);
    expect((error as Error).message).toContain('no job has emitted lineage yet');
  });
});
