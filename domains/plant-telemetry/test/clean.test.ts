import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka, DlqHeaders, dlqTopicFor } from '@fieldmesh/kafka';
import { LineageEmitter } from '@fieldmesh/lineage';
import { AvroSerde } from '@fieldmesh/serde';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveDomainMetrics, startDomain } from '@fieldmesh/products';
import { domain as plantTelemetry, type PlantTelemetryDomain, type RawReading } from '../src/index';
import { type ReadRecord, readTopic } from '@fieldmesh/streams';

const rawSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'RawReading.avsc'), 'utf8')) as object;
const T0 = Date.now() - 60_000;

describe('plant-telemetry clean job on Kafka and the registry', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const rawTopic = `plant.telemetry.raw.v1.test-${id}`;
  // The job reads raw.v2 too (gateways publishing batches): an empty topic of this test's own.
  const rawV2Topic = `plant.telemetry.raw.v2.test-${id}`;
  const cleanTopic = `plant.telemetry.clean.v1.test-${id}`;
  const gatewayId = `gw-test-${id}`;
  const asset = `acme/site-${id}/hall/line-1/compressor-1`;
  let domain: PlantTelemetryDomain;
  let clean: ReadRecord[];
  let dead: ReadRecord[];
  let lineage: LineageEmitter;
  const lineageTopic = `_fieldmesh.lineage.test-${id}`;

  const raw = (seq: number, overrides: Partial<RawReading> = {}): RawReading => ({
    readingTime: new Date(T0 + seq * 1000),
    receivedTime: new Date(T0 + seq * 1000 + 30),
    gatewayId,
    sequenceNumber: BigInt(seq),
    deviceId: 'plc-1',
    assetPath: asset,
    signal: 'bearing_temperature',
    value: 60 + seq / 10,
    valueText: null,
    unit: 'Cel',
    quality: 'GOOD',
    qualityCode: null,
    sourceProtocol: 'MQTT_JSON',
    sourceAddress: `${asset}/bearing_temperature`,
    isHistorical: false,
    operatorBadge: null,
    attributes: {},
    ...overrides,
  });

  beforeAll(async () => {
    const kafka = createKafka({ clientId: 'clean-test', brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([
      { topic: rawTopic, partitions: 3, replicationFactor: 1 },
      { topic: rawV2Topic, partitions: 3, replicationFactor: 1 },
    ]);
    await admin.disconnect();
    lineage = new LineageEmitter({ kafka, topic: lineageTopic });
    domain = await startDomain(
      plantTelemetry,
      {
        kafka: { brokers: [brokers] },
        registryUrl,
        groups: { clean: `clean-test-${id}` },
        topics: { 'plant-telemetry.raw': rawTopic, 'plant-telemetry.raw-v2': rawV2Topic, 'plant-telemetry.clean': cleanTopic },
      },
      { lineage },
    );

    const serde = new AvroSerde({ registryUrl });
    const writer = await serde.writerFor(rawTopic, rawSchema);
    const producer = kafka.producer();
    await producer.connect();
    const send = (readings: RawReading[]) => producer.send(readings.map((r) => ({ topic: rawTopic, key: r.assetPath, value: serde.encode(writer, r) })));
    await send([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seq) => raw(seq)));
    // The gateway replays 4..6 after a crash; then a Fahrenheit reading, a broken vibration sensor (which the
    // raw contract forbids: a gateway skipping its rules wrote it), a reading ten minutes late, and power in
    // horsepower, which the raw contract allows but no conversion turns into the clean contract's kW.
    await send([
      raw(4),
      raw(5),
      raw(6),
      raw(11, { value: 212, unit: '[degF]' }),
      raw(12, { signal: 'vibration_rms', value: -4, unit: 'mm/s', sourceAddress: `${asset}/vibration_rms` }),
      raw(13, { readingTime: new Date(T0 - 10 * 60_000) }),
      raw(14, { signal: 'power', value: 5, unit: 'hp', sourceAddress: `${asset}/power` }),
    ]);
    await producer.disconnect();

    const mine = (records: ReadRecord[]) => records.filter((r) => r.value.gatewayId === gatewayId);
    [clean, dead] = await Promise.all([
      readTopic({ brokers, registryUrl, topic: cleanTopic, timeoutMs: 60_000, until: (all) => mine(all).length >= 12 }),
      readTopic({ brokers, registryUrl, topic: dlqTopicFor(rawTopic), timeoutMs: 60_000, until: (all) => mine(all).length >= 2 }),
    ]);
    // Anything arriving after the expected records would be a duplicate: give it time to show up.
    clean = await readTopic({ brokers, registryUrl, topic: cleanTopic, timeoutMs: 3_000, until: () => false });
  }, 180_000);

  afterAll(async () => {
    await domain?.close();
    await lineage?.close();
  });

  it('emits each reading once, whatever the gateway replayed', () => {
    expect(clean.map((r) => Number(r.value.sequenceNumber)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    expect(clean.every((r) => r.key === asset)).toBe(true);
    expect(domain.stats().clean.pipeline).toMatchObject({ duplicates: 3 });
  });

  it('converts a Fahrenheit reading to Celsius', () => {
    const converted = clean.find((r) => r.value.sequenceNumber === 11n);
    expect(converted?.value).toMatchObject({ value: 100, unit: 'Cel', sourceUnit: '[degF]' });
  });

  it('keeps the late reading, marked LATE as the contract says', () => {
    expect(clean.find((r) => r.value.sequenceNumber === 13n)?.value.arrival).toBe('LATE');
  });

  it('dead-letters a raw reading that breaks the raw contract before cleaning it, naming the rule', () => {
    const broken = dead.find((r) => r.value.sequenceNumber === 12n);
    expect(broken?.value).toMatchObject({ gatewayId, signal: 'vibration_rms' });
    expect(broken?.headers[DlqHeaders.stage]).toBe('validate-input');
    expect(broken?.headers[DlqHeaders.exceptionMessage]).toContain('rule vibration-rms-plausible on field value: must be >= 0, got -4');
  });

  it('dead-letters a reading whose clean form would break the clean contract, naming the rule', () => {
    expect(dead).toHaveLength(2);
    const unconverted = dead.find((r) => r.value.sequenceNumber === 14n);
    expect(unconverted?.headers[DlqHeaders.stage]).toBe('process');
    expect(unconverted?.headers[DlqHeaders.exceptionMessage]).toMatch(/power-in-kilowatt: must be one of kW, got 'hp'/);
  });

  it('counts what it did', () => {
    expect(domain.stats().clean.job).toMatchObject({ recordsIn: 17, recordsOut: 12, deadLettered: { deserialize: 0, process: 1, validateInput: 1, validateOutput: 0 } });
    expect(domain.stats().clean.job.ruleViolations).toEqual([
      { side: 'input', topic: rawTopic, contract: 'plant-telemetry.raw', rule: 'vibration-rms-plausible', field: 'value', count: 1 },
    ]);
  });

  it('shows an operator at /metrics what it read, wrote, dead-lettered and dropped as duplicates', async () => {
    const server = await serveDomainMetrics([domain], { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const labels = 'domain="plant-telemetry",product="clean"';
      expect(text).toContain(`fieldmesh_stream_records_in_total{${labels}} 17`);
      expect(text).toContain(`fieldmesh_stream_records_out_total{${labels}} 12`);
      expect(text).toContain(`fieldmesh_stream_dead_letters_total{${labels},stage="process"} 1`);
      expect(text).toContain(`fieldmesh_stream_dead_letters_total{${labels},stage="validate-input"} 1`);
      expect(text).toContain(`fieldmesh_stream_rule_violations_total{${labels},side="input",topic="${rawTopic}",rule="vibration-rms-plausible",field="value"} 1`);
      expect(text).toContain(`fieldmesh_product_duplicates_total{${labels}} 3`);
      expect(text).toContain(`fieldmesh_product_converted_total{${labels}} 1`);
      expect(text).toMatch(new RegExp(`^fieldmesh_product_dedupe_memory_gateways\\{${labels}\\} [1-9]`, 'm'));
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', products: ['plant-telemetry-clean'] });
    } finally {
      await server.close();
    }
  });

  it('reports its run to OpenLineage, reading both raw versions, with the column lineage of the clean product', async () => {
    const [event] = await readTopic({ brokers, registryUrl, topic: lineageTopic, format: 'json', timeoutMs: 30_000, until: (all) => all.length >= 1 });
    expect(event?.value).toMatchObject({
      eventType: 'START',
      job: { name: 'plant-telemetry.clean' },
      inputs: [{ name: rawTopic }, { name: rawV2Topic }],
      outputs: [{ name: cleanTopic }],
    });
    const columns = (event?.value.outputs as Array<{ facets: { columnLineage: { fields: Record<string, { inputFields: Array<{ name: string; field: string }> }> } } }>)[0]?.facets
      .columnLineage.fields;
    expect(columns?.value?.inputFields).toEqual([expect.objectContaining({ name: rawTopic, field: 'value' }), expect.objectContaining({ name: rawTopic, field: 'unit' })]);
  });

  it('provisions the clean topic from its contract', async () => {
    const admin = createKafka({ clientId: 'clean-test-admin', brokers: [brokers] }).admin();
    await admin.connect();
    try {
      expect((await admin.describeTopicConfigs(cleanTopic))['retention.ms']).toBe(String(7 * 86_400_000));
      expect(await admin.fetchTopicEndOffsets(cleanTopic)).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });
});
