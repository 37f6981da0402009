import { driveDomain, type DomainTestDrivers } from '@fieldmesh/products';
import { afterEach, describe, expect, it } from 'vitest';
import { domain } from './plant-telemetry.domain';

let running: DomainTestDrivers | undefined;
afterEach(async () => {
  await running?.close();
});

describe('the plant-telemetry domain, in memory', () => {
  it("cleans its contract's upstream (the raw topic) into the clean topic, once per reading", async () => {
    running = await driveDomain(domain);
    const clean = running.drivers.clean!;
    const reading = {
      readingTime: 1795000000000,
      receivedTime: 1795000000100,
      gatewayId: 'gw-1',
      sequenceNumber: 1,
      deviceId: 'd',
      assetPath: 'acme/berlin/hall/line-1/pump-1',
      signal: 'discharge_pressure',
      value: 250,
      valueText: null,
      unit: 'kPa',
      quality: 'GOOD',
      qualityCode: null,
      sourceProtocol: 'OPC_UA',
      sourceAddress: 'x',
      isHistorical: false,
      operatorBadge: null,
      attributes: {},
    };
    await clean.pipe('plant.telemetry.raw.v1', [
      { key: reading.assetPath, value: reading },
      { key: reading.assetPath, value: reading },
    ]);
    expect(clean.outputs().map((o) => [o.topic, o.key, (o.value as { value: number }).value, (o.value as { unit: string }).unit])).toEqual([
      ['plant.telemetry.clean.v1', reading.assetPath, 2.5, 'bar'],
    ]);
  });
});
