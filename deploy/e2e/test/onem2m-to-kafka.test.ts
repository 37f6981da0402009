import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickhouseSink, type ClickhouseSinkHandle } from '@fieldmesh/connector-clickhouse-sink';
import { connectorCatalog, Gateway, gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { DlqHeaders } from '@fieldmesh/kafka';
import type { RunningDomain } from '@fieldmesh/products';
import { AcmeCse, DeviceWriter, REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectorUp, isolatedRawProduct, readTelemetry, startCleanJob, type TelemetryRecord, waitFor } from '../src/index';

const onOwnTopic = (loaded: LoadedContract, topic: string): LoadedContract => ({ ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic } } });

/**
 * oneM2M end to end: a device AE writes contentInstances to its containers on the independent ACME CSE, the
 * gateway's oneM2M connector (subscribed to them) publishes plant.telemetry.raw.v1 records with sourceProtocol
 * ONEM2M and dead-letters a content without a value, the plant-telemetry clean job turns them into clean
 * readings, and the ClickHouse sink (the stack's server) stores both products. Raw and clean topics, the
 * device AE, the consumer groups and the ClickHouse database are this test's own.
 */
describe('ACME oneM2M CSE → gateway → Kafka raw and clean → ClickHouse', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = Date.now().toString(36);
  const gatewayId = `gw-onem2m-${id}`;
  const originator = `Cfieldmesh-${gatewayId}`;
  const ae = `press-${id}`;
  const asset = `acme/berlin/press-shop/line-1/${ae}`;
  const rawTopic = `plant.telemetry.raw-onem2m-${id}.v1`;
  const rawV2Topic = `plant.telemetry.raw-onem2m-${id}.v2`;
  const cleanTopic = `plant.telemetry.clean-onem2m-${id}.v1`;
  const database = `onem2m_${id}`;
  const readingTimes = [Date.UTC(2026, 11, 7, 10, 0, 0), Date.UTC(2026, 11, 7, 10, 0, 5)];
  let cse: AcmeCse | undefined;
  let gateway: Gateway | undefined;
  let domain: RunningDomain | undefined;
  let sink: ClickhouseSinkHandle | undefined;
  let raw: TelemetryRecord[];
  let dead: TelemetryRecord[];
  let clean: TelemetryRecord[];

  beforeAll(async () => {
    cse = await AcmeCse.start();
    const device = new DeviceWriter(cse.url, cse.cseBaseName, `C${ae}-box`);
    await device.provision(ae, ['temperature', 'load'], originator);

    const dir = await mkdtemp(join(tmpdir(), 'fm-onem2m-'));
    const product = await isolatedRawProduct(join(dir, 'root'), rawTopic);
    gateway = await Gateway.start(
      gatewayConfigSchema.parse({
        gatewayId,
        stateDir: join(dir, 'gateway'),
        kafka: { brokers: brokers.split(',') },
        registryUrl,
        observability: { port: 0 },
        connectors: [
          {
            name: 'press-cse',
            type: 'onem2m',
            config: {
              cseUrl: cse.url,
              cseBaseName: cse.cseBaseName,
              originator,
              aeName: gatewayId,
              mappings: [
                { container: `${ae}/temperature`, assetPath: asset, signal: 'bearing_temperature', unit: 'Cel', valuePointer: '/value', timestampPointer: '/ts' },
                { container: `${ae}/load`, assetPath: asset, signal: 'load', unit: '%' },
              ],
            },
          },
        ],
      }),
      { root: product.root, connectors: connectorCatalog, log: (line) => console.error('[gateway]', line) },
    );
    // Up once the AE is registered and both containers are subscribed: every instance from now on is notified.
    await waitFor('the oneM2M connector', () => connectorUp(gateway!.observabilityUrl, 'press-cse'), 30_000);

    await device.write(`${ae}/temperature`, JSON.stringify({ value: 61.5, ts: new Date(readingTimes[0]!).toISOString() }));
    await device.write(`${ae}/temperature`, JSON.stringify({ value: 62.25, ts: new Date(readingTimes[1]!).toISOString() }));
    await device.write(`${ae}/load`, '87.5');
    await device.write(`${ae}/temperature`, JSON.stringify({ status: 'sensor-fault' }));

    const mine = (records: TelemetryRecord[]) => records.filter((record) => record.headers['fieldmesh.gateway'] === gatewayId);
    [raw, dead] = await Promise.all([
      readTelemetry({ brokers, registryUrl, topic: rawTopic, timeoutMs: 60_000, until: (all) => mine(all).length >= 3 }).then(mine),
      readTelemetry({ brokers, registryUrl, topic: `${rawTopic}.dlq`, decode: false, timeoutMs: 60_000, until: (all) => mine(all).length >= 1 }).then(mine),
    ]);

    // The clean job reads both raw topics; raw.v2 of this test stays empty.
    domain = await startCleanJob({ brokers, registryUrl, group: `clean-onem2m-${id}`, topics: { raw: rawTopic, rawV2: rawV2Topic, clean: cleanTopic }, unused: 'rawV2' });
    const ours = (records: TelemetryRecord[]) => records.filter((record) => record.value.gatewayId === gatewayId);
    clean = ours(await readTelemetry({ brokers, registryUrl, topic: cleanTopic, timeoutMs: 60_000, until: (all) => ours(all).length >= 3 }));

    sink = await startClickhouseSink(
      {
        kafka: { brokers: brokers.split(',') },
        registryUrl,
        groupId: `sink-onem2m-${id}`,
        clickhouse: { url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword'), database },
        batch: { maxRows: 100, maxWaitMs: 100, minIntervalMs: 0 },
      },
      {
        contracts: [
          onOwnTopic(loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT), rawTopic),
          onOwnTopic(loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/clean.yaml'), REPO_ROOT), cleanTopic),
        ],
        warn: (message) => console.error('[clickhouse-sink]', message),
      },
    );
    await waitFor('both products in ClickHouse', () => sink!.stats().tables.every((table) => table.inserted >= 3), 60_000, 250);
  }, 240_000);

  afterAll(async () => {
    await sink?.close();
    await domain?.close();
    await gateway?.close();
    await cse?.close();
  });

  it('publishes each contentInstance as a raw reading with sourceProtocol ONEM2M, its container as source address and its content time', () => {
    const byTime = [...raw].sort((a, b) => Number(a.value.readingTime) - Number(b.value.readingTime) || String(a.value.signal).localeCompare(String(b.value.signal)));
    expect(raw).toHaveLength(3);
    // The device's plain HTTP requests do not ask the CSE to record a creator (cr), so the device id is the container.
    expect(byTime.map((record) => [record.key, record.value.sourceProtocol, record.value.deviceId])).toEqual(
      ['temperature', 'temperature', 'load'].map((container) => [asset, 'ONEM2M', `${ae}/${container}`]),
    );
    const temperatures = byTime.filter((record) => record.value.signal === 'bearing_temperature');
    expect(temperatures.map((record) => [Number(record.value.readingTime), record.value.value, record.value.unit, record.value.sourceAddress])).toEqual([
      [readingTimes[0], 61.5, 'Cel', `cse-in/${ae}/temperature`],
      [readingTimes[1], 62.25, 'Cel', `cse-in/${ae}/temperature`],
    ]);
    const [load] = byTime.filter((record) => record.value.signal === 'load');
    expect(load!.value).toMatchObject({ value: 87.5, unit: '%', sourceAddress: `cse-in/${ae}/load`, attributes: { 'onem2m.ri': expect.any(String) } });
  });

  it('dead-letters the content without a value, naming why', () => {
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers[DlqHeaders.exceptionClassName]).toBe('ContentPointerMissing');
    expect(gateway!.stats()).toMatchObject({ accepted: 3, deadLettered: 1 });
  });

  it('reads back as clean readings with sourceProtocol ONEM2M', () => {
    expect(clean).toHaveLength(3);
    expect(clean.every((record) => record.value.sourceProtocol === 'ONEM2M' && record.key === asset)).toBe(true);
    expect(clean.map((record) => record.value.signal).sort()).toEqual(['bearing_temperature', 'bearing_temperature', 'load']);
  });

  it('stores the raw and clean readings in ClickHouse under ONEM2M', async () => {
    const protocols = async (table: string) =>
      (
        await sink!.warehouse.client.query({ query: `SELECT sourceProtocol, toString(count()) AS n FROM ${database}.${table} GROUP BY sourceProtocol`, format: 'JSONEachRow' })
      ).json();
    for (const { plan } of sink!.tables()) expect(await protocols(plan.table), plan.table).toEqual([{ sourceProtocol: 'ONEM2M', n: '3' }]);
  });
});
