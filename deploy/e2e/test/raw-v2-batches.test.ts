import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorCatalog, Gateway, gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { DlqHeaders } from '@fieldmesh/kafka';
import type { RunningDomain } from '@fieldmesh/products';
import { encodeSparkplugPayload } from '@fieldmesh/simulator';
import { REPO_ROOT } from '@fieldmesh/testing';
import mqtt from 'mqtt';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectorUp, readTelemetry, startCleanJob, type TelemetryRecord, waitFor } from '../src/index';

/**
 * The batched raw path end to end: a Sparkplug B edge node publishes one DDATA of 51 metrics to Mosquitto,
 * the gateway (kafka.contract raw.v2) publishes its 50 valid readings as one plant.telemetry.raw.v2 record
 * and dead-letters the implausible one with its reason, and the plant-telemetry clean job expands the batch
 * into 50 clean readings. Topics, Sparkplug group and consumer groups are this test's own.
 */
describe('Sparkplug DDATA → gateway publishing raw.v2 → Kafka → clean job', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const mqttUrl = inject('mqttUrl');
  const id = Date.now().toString(36);
  const gatewayId = `gw-batch-${id}`;
  const group = `fmbatch${id}`;
  const rawV1Topic = `plant.telemetry.raw-batch-${id}.v1`;
  const rawV2Topic = `plant.telemetry.raw-batch-${id}.v2`;
  const cleanTopic = `plant.telemetry.clean-batch-${id}.v1`;
  const asset = `acme/${group}/line-3/motor-1`;
  const signals = Array.from({ length: 50 }, (_, i) => `temperature_${String(i + 1).padStart(2, '0')}`);
  let gateway: Gateway | undefined;
  let domain: RunningDomain | undefined;
  let batches: TelemetryRecord[];
  let dead: TelemetryRecord[];
  let clean: TelemetryRecord[];

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-raw-v2-'));
    // The repository's raw contracts, raw.v2 on a topic of this test's own; schemas are the repository's.
    const root = join(dir, 'root');
    await mkdir(join(root, 'contracts', 'plant-telemetry'), { recursive: true });
    await copyFile(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), join(root, 'contracts/plant-telemetry/raw.yaml'));
    const v2 = parseDocument(await readFile(join(REPO_ROOT, 'contracts/plant-telemetry/raw-v2.yaml'), 'utf8'));
    v2.setIn(['kafka', 'topic'], rawV2Topic);
    await writeFile(join(root, 'contracts/plant-telemetry/raw-v2.yaml'), v2.toString());
    await symlink(join(REPO_ROOT, 'schemas'), join(root, 'schemas'));

    gateway = await Gateway.start(
      gatewayConfigSchema.parse({
        gatewayId,
        stateDir: join(dir, 'gateway'),
        kafka: { brokers: brokers.split(','), contract: 'raw.v2' },
        registryUrl,
        observability: { port: 0 },
        connectors: [
          {
            name: 'plant-sparkplug',
            type: 'mqtt',
            config: { url: mqttUrl, clientId: `${gatewayId}-sparkplug`, format: 'sparkplugb', sparkplug: { groupIds: [group], assetPath: 'acme/{group}/{node}/{device}' } },
          },
        ],
      }),
      { root, connectors: connectorCatalog, log: (line) => console.error('[gateway]', line) },
    );
    await waitFor('the Sparkplug connector', () => connectorUp(gateway!.observabilityUrl, 'plant-sparkplug'), 30_000);

    const client = await mqtt.connectAsync(mqttUrl, { clientId: `${gatewayId}-edge-node` });
    try {
      const now = Date.now();
      const metrics = ['bearing_temperature', ...signals].map((name, alias) => ({
        name,
        alias,
        type: 'Double' as const,
        properties: { engUnit: { type: 'String' as const, value: 'Cel' } },
      }));
      await client.publishAsync(
        `spBv1.0/${group}/NBIRTH/line-3`,
        Buffer.from(encodeSparkplugPayload({ timestamp: now, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })),
        {
          qos: 1,
        },
      );
      // The birth restates no value (each metric null), so that every reading comes from the DDATA.
      await client.publishAsync(
        `spBv1.0/${group}/DBIRTH/line-3/motor-1`,
        Buffer.from(encodeSparkplugPayload({ timestamp: now, seq: 1, metrics: metrics.map((metric) => ({ ...metric, value: null, isNull: true })) })),
        { qos: 1 },
      );
      // bearing_temperature at 1501 °C is beyond the raw contract's plausible range: a broken sensor.
      const values = metrics.map(({ alias }) => ({ alias, type: 'Double' as const, value: alias === 0 ? 1501 : 40 + alias / 10, timestamp: now + 1 }));
      await client.publishAsync(`spBv1.0/${group}/DDATA/line-3/motor-1`, Buffer.from(encodeSparkplugPayload({ timestamp: now + 1, seq: 2, metrics: values })), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const mine = (records: TelemetryRecord[]) => records.filter((record) => record.headers['fieldmesh.gateway'] === gatewayId);
    [batches, dead] = await Promise.all([
      readTelemetry({ brokers, registryUrl, topic: rawV2Topic, timeoutMs: 60_000, until: (all) => mine(all).length >= 1 }),
      readTelemetry({ brokers, registryUrl, topic: `${rawV2Topic}.dlq`, decode: false, timeoutMs: 60_000, until: (all) => mine(all).length >= 1 }),
    ]);

    // The clean job reads both raw topics; raw.v1 of this test stays empty.
    domain = await startCleanJob({ brokers, registryUrl, group: `clean-batch-${id}`, topics: { raw: rawV1Topic, rawV2: rawV2Topic, clean: cleanTopic }, unused: 'raw' });
    const ours = (records: TelemetryRecord[]) => records.filter((record) => record.value.gatewayId === gatewayId);
    await readTelemetry({ brokers, registryUrl, topic: cleanTopic, timeoutMs: 60_000, until: (all) => ours(all).length >= signals.length });
    // Anything after the expected records would be a reading emitted twice: give it time to show up.
    clean = ours(await readTelemetry({ brokers, registryUrl, topic: cleanTopic, timeoutMs: 3_000, until: () => false }));
  }, 180_000);

  afterAll(async () => {
    await domain?.close();
    await gateway?.close();
  });

  it('publishes the DDATA as one raw.v2 record of its 50 valid readings, numbered without gaps and keyed by asset', () => {
    const own = batches.filter((record) => record.headers['fieldmesh.gateway'] === gatewayId);
    expect(own).toHaveLength(1);
    const [batch] = own;
    expect(batch!.key).toBe(asset);
    const readings = batch!.value.readings as Array<{ signal: string; sequenceNumber: number | bigint; value: number }>;
    expect(readings.map((reading) => reading.signal)).toEqual(signals);
    const first = Number(batch!.value.firstSequenceNumber);
    expect(readings.map((reading) => Number(reading.sequenceNumber))).toEqual(signals.map((_, i) => first + i));
    expect(batch!.value).toMatchObject({ gatewayId, deviceId: `${group}/line-3/motor-1`, assetPath: asset, sourceProtocol: 'SPARKPLUG_B' });
  });

  it('dead-letters the implausible metric alone, with the rule it broke', () => {
    const own = dead.filter((record) => record.headers['fieldmesh.gateway'] === gatewayId);
    expect(own).toHaveLength(1);
    expect(own[0]!.headers).toMatchObject({ [DlqHeaders.stage]: 'validate', [DlqHeaders.exceptionClassName]: 'ReadingInvalid' });
    expect(own[0]!.headers[DlqHeaders.exceptionMessage]).toContain('bearing-temperature-plausible: must be <= 400');
  });

  it('reads back as 50 clean readings, one per reading of the batch, with their own sequence numbers', () => {
    expect(clean).toHaveLength(signals.length);
    expect(clean.map((record) => record.value.signal).sort()).toEqual(signals);
    expect(new Set(clean.map((record) => Number(record.value.sequenceNumber))).size).toBe(signals.length);
    expect(clean.every((record) => record.key === asset && record.value.unit === 'Cel')).toBe(true);
    expect(domain!.stats().clean!.pipeline).toMatchObject({ clean: signals.length, rejected: 0 });
  });

  it('counts per reading at the gateway', () => {
    expect(gateway!.stats()).toMatchObject({ received: signals.length + 1, accepted: signals.length, deadLettered: 1 });
  });
});
