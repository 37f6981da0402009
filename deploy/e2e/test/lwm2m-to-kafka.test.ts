import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorCatalog, Gateway, gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { ensureLeshanDevice, findFreePort, LeshanDevice } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectorUp, isolatedRawProduct, readTelemetry, type TelemetryRecord, waitFor } from '../src/index';

/**
 * LwM2M end to end: an Eclipse Leshan client registers with the gateway's LwM2M connector, which observes its
 * IPSO temperature and voltage sensors, and the gateway publishes plant.telemetry.raw.v1 records with
 * sourceProtocol LWM2M, the IPSO units and the device's endpoint. The raw topic and the device are this test's own.
 */
describe('Leshan LwM2M client → gateway → Kafka raw', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = Date.now().toString(36);
  const gatewayId = `gw-lwm2m-${id}`;
  const endpoint = `press-${id}-sensors`;
  const asset = `acme/berlin/press-shop/line-1/press-${id}`;
  const rawTopic = `plant.telemetry.raw-lwm2m-${id}.v1`;
  let gateway: Gateway | undefined;
  let device: LeshanDevice | undefined;
  let raw: TelemetryRecord[];

  beforeAll(async () => {
    const classpath = await ensureLeshanDevice();
    const port = await findFreePort();
    const dir = await mkdtemp(join(tmpdir(), 'fm-lwm2m-'));
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
            name: 'press-sensors',
            type: 'lwm2m',
            config: {
              listenPort: port,
              security: 'noSec',
              devices: [{ endpoint, assetPath: asset, observe: [{ path: '/3303/0/5700' }, { path: '/3316/0/5700', contentFormat: 'tlv' }] }],
            },
          },
        ],
      }),
      { root: product.root, connectors: connectorCatalog, log: (line) => console.error('[gateway]', line) },
    );
    await waitFor('the LwM2M connector', () => connectorUp(gateway!.observabilityUrl, 'press-sensors'), 30_000);

    device = LeshanDevice.start(classpath, port, endpoint, { lifetimeSeconds: 30, objects: [3303, 3316] });
    await device.registered();
    const mine = (records: TelemetryRecord[]) => records.filter((record) => record.headers['fieldmesh.gateway'] === gatewayId);
    // The answers to the observes carry the values at registration (0); then the device measures.
    await readTelemetry({ brokers, registryUrl, topic: rawTopic, timeoutMs: 60_000, until: (all) => mine(all).length >= 2 });
    device.set(3303, 61.5);
    device.set(3316, 229.5);
    raw = mine(await readTelemetry({ brokers, registryUrl, topic: rawTopic, timeoutMs: 60_000, until: (all) => mine(all).length >= 4 }));
  }, 240_000);

  afterAll(async () => {
    await device?.kill();
    await gateway?.close();
  });

  it('publishes each notification as a raw reading with sourceProtocol LWM2M, the IPSO unit and the resource as source address', () => {
    const values = raw.map((record) => [
      record.key,
      record.value.sourceProtocol,
      record.value.deviceId,
      record.value.signal,
      record.value.value,
      record.value.unit,
      record.value.sourceAddress,
    ]);
    expect(values).toEqual(
      expect.arrayContaining([
        [asset, 'LWM2M', endpoint, 'temperature', 61.5, 'Cel', `${endpoint}/3303/0/5700`],
        [asset, 'LWM2M', endpoint, 'voltage', 229.5, 'V', `${endpoint}/3316/0/5700`],
      ]),
    );
    expect(raw.find((record) => record.value.value === 229.5)!.value.attributes).toMatchObject({ 'lwm2m.endpoint': endpoint, 'lwm2m.contentFormat': 'tlv' });
    expect(gateway!.stats()).toMatchObject({ accepted: 4, deadLettered: 0 });
  });
});
