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
      value: 50,
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
      ['plant.telemetry.clean.v1', reading.assetPath, 0.5, 'bar'],
    ]);

    // 250 kPa is 2.5 bar, but the raw contract bounds the value as read (at most 100): the gateway
    // dead-letters such a reading, and the clean job, its consumer, does the same before cleaning it.
    await clean.pipe('plant.telemetry.raw.v1', [{ key: reading.assetPath, value: { ...reading, sequenceNumber: 2, value: 250 } }]);
    expect(clean.outputs()).toHaveLength(1);
    expect(clean.deadLetters().map((letter) => [letter.stage, letter.record.offset, (letter.error as Error).message])).toEqual([
      ['validate-input', '2', expect.stringContaining('rule discharge-pressure-plausible on field value: must be <= 100, got 250')],
    ]);
    expect(clean.ruleViolations()).toEqual([
      { side: 'input', topic: 'plant.telemetry.raw.v1', contract: 'plant-telemetry.raw', rule: 'discharge-pressure-plausible', field: 'value', count: 1 },
    ]);
  });
});
