import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceReading } from '@fieldmesh/connect';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lwm2mSourceConfigSchema } from '../src/config';
import { type ConnectorLog, Lwm2mSource } from '../src/source';
import { ensureLeshanDevice, LeshanDevice } from '@fieldmesh/testing';

const assetPath = 'acme/berlin/press-shop/line-1/press-7';
let classpath: string;
const running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  classpath = await ensureLeshanDevice();
}, 600_000);

afterEach(async () => {
  for (const resource of running.splice(0).reverse()) await resource.close();
});

function startSource(endpoint: string, warnings: string[] = []): Lwm2mSource {
  const config = lwm2mSourceConfigSchema.parse({
    listenPort: 0,
    security: 'noSec',
    minLifetimeSeconds: 4,
    lifetimeGraceMs: 3000,
    devices: [
      {
        endpoint,
        assetPath,
        observe: [
          { path: '/3303/0/5700', contentFormat: 'senml+json' },
          { path: '/3304/0/5700', contentFormat: 'tlv' },
          { path: '/3316/0/5700', contentFormat: 'text', signal: 'supply_voltage' },
        ],
      },
    ],
  });
  const log: ConnectorLog = { warn: (message) => warnings.push(message) };
  const source = new Lwm2mSource(config, { instanceName: `lwm2m-${endpoint}`, stateDir: mkdtempSync(join(tmpdir(), 'lwm2m-')) }, log);
  running.push(source);
  return source;
}

function startDevice(source: Lwm2mSource, endpoint: string, lifetimeSeconds = 30): LeshanDevice {
  const device = LeshanDevice.start(classpath, source.port as number, endpoint, { lifetimeSeconds, objects: [3303, 3304, 3316] });
  running.push({ close: () => device.kill() });
  return device;
}

/** Reads and acks batches until `wanted` holds for what was read, or fails after `timeoutMs`. */
async function readUntil(source: Lwm2mSource, wanted: (readings: SourceReading[]) => boolean, timeoutMs = 20_000): Promise<SourceReading[]> {
  const readings: SourceReading[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  while (!wanted(readings)) {
    const batch = await source.read(signal).catch((error: unknown) => {
      throw new Error(`wanted readings did not arrive within ${timeoutMs} ms; got ${JSON.stringify(readings.map((r) => [r.signal, r.value]))}`, { cause: error });
    });
    expect(batch.rejects).toEqual([]);
    readings.push(...batch.readings);
    await batch.ack();
  }
  return readings;
}

const has = (signal: string, value: number) => (readings: SourceReading[]) => readings.some((reading) => reading.signal === signal && reading.value === value);
const all =
  (...checks: ((readings: SourceReading[]) => boolean)[]) =>
  (readings: SourceReading[]) =>
    checks.every((check) => check(readings));

describe('LwM2M source against an Eclipse Leshan client', () => {
  it('accepts the registration, observes IPSO sensors in SenML JSON, TLV and plain text, and maps each value with its unit', async () => {
    const endpoint = `press-7-sensors-${process.pid}`;
    const warnings: string[] = [];
    const source = startSource(endpoint, warnings);
    await source.connect();
    expect(warnings.join('\n')).toMatch(/security noSec/);
    const device = startDevice(source, endpoint);
    const registrationId = await device.registered();

    // The first answer to each observe carries the current value (0 at start).
    await readUntil(source, all(has('temperature', 0), has('humidity', 0), has('supply_voltage', 0)));
    device.set(3303, 21.5);
    device.set(3304, 40.25);
    device.set(3316, 229.5);
    const readings = await readUntil(source, all(has('temperature', 21.5), has('humidity', 40.25), has('supply_voltage', 229.5)));

    const latest = (signal: string) => readings.filter((reading) => reading.signal === signal).at(-1) as SourceReading;
    expect(latest('temperature')).toMatchObject({
      deviceId: endpoint,
      assetPath,
      unit: 'Cel',
      quality: 'GOOD',
      sourceProtocol: 'LWM2M',
      sourceAddress: `${endpoint}/3303/0/5700`,
      isHistorical: false,
      attributes: { 'lwm2m.endpoint': endpoint, 'lwm2m.registrationId': registrationId, 'lwm2m.contentFormat': 'senml+json' },
    });
    expect(latest('humidity')).toMatchObject({ unit: '%', sourceAddress: `${endpoint}/3304/0/5700`, attributes: { 'lwm2m.contentFormat': 'tlv' } });
    expect(latest('supply_voltage')).toMatchObject({ unit: 'V', sourceAddress: `${endpoint}/3316/0/5700`, attributes: { 'lwm2m.contentFormat': 'text' } });
    expect(Math.abs(latest('temperature').readingTime - Date.now())).toBeLessThan(30_000);
    expect(source.metrics()).toMatchObject({ registrations: 1, registered: 1, observeFailures: 0 });
  }, 60_000);

  it('observes a device again after it restarts and registers anew, and forgets it when it de-registers', async () => {
    const endpoint = `press-8-sensors-${process.pid}`;
    const source = startSource(endpoint);
    await source.connect();
    const first = startDevice(source, endpoint);
    const firstId = await first.registered();
    await readUntil(source, has('temperature', 0));

    // Power loss: no De-register; the restarted device registers under the same endpoint name.
    await first.kill();
    const second = startDevice(source, endpoint);
    const secondId = await second.registered();
    expect(secondId).not.toBe(firstId);
    // Observed again: the answer to the new observe carries the restarted device's value.
    await readUntil(source, (readings) => readings.some((reading) => reading.signal === 'temperature' && reading.attributes['lwm2m.registrationId'] === secondId));
    second.set(3303, 18.75);
    const readings = await readUntil(source, has('temperature', 18.75));
    expect(readings.find((reading) => reading.value === 18.75)?.attributes['lwm2m.registrationId']).toBe(secondId);
    expect(source.metrics()).toMatchObject({ registrations: 2, reregistrations: 1, registered: 1 });

    await second.deregister();
    await expect.poll(() => source.metrics().registered, { timeout: 10_000 }).toBe(0);
    expect(source.metrics().registrationEnds).toMatchObject({ deregistered: 1, replaced: 1, expired: 0 });
  }, 60_000);

  it('keeps a device that updates its registration within its lifetime, and drops it once its updates stop', async () => {
    const endpoint = `press-9-sensors-${process.pid}`;
    const source = startSource(endpoint);
    await source.connect();
    const device = startDevice(source, endpoint, 4);
    await device.registered();
    await expect.poll(() => source.metrics().updates, { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect(source.metrics()).toMatchObject({ registered: 1, registrationEnds: { expired: 0 } });

    await device.kill();
    // 4 s of lifetime and 3 s of grace after the last update.
    await expect.poll(() => source.metrics().registrationEnds.expired, { timeout: 15_000, interval: 200 }).toBe(1);
    expect(source.metrics().registered).toBe(0);
  }, 60_000);

  it('refuses a device whose endpoint is not listed', async () => {
    const source = startSource(`listed-${process.pid}`);
    await source.connect();
    const stranger = startDevice(source, `stranger-${process.pid}`);
    await expect.poll(() => source.metrics().refusedByCode['4.03'] ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(stranger.registrationIds).toEqual([]);
    expect(source.metrics()).toMatchObject({ registrations: 0, registered: 0 });
  }, 30_000);
});
