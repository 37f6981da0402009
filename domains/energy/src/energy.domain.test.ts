import { driveDomain, type DomainTestDrivers } from '@fieldmesh/products';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanPowerReadings } from '../test/support/clean-readings';
import { domain } from './energy.domain';

let running: DomainTestDrivers | undefined;
afterEach(async () => {
  await running?.close();
});

describe('the energy domain, in memory', () => {
  it("integrates the power readings of its contract's upstream (clean telemetry) per asset, line and site", async () => {
    running = await driveDomain(domain, { tariffs: { default: { basePricePerKwh: 0.25 } } });
    const consumption = running.drivers['consumption-15m']!;
    const asset = 'acme/berlin/hall/line-1/pump-1';
    const powerReading = cleanPowerReadings();
    await consumption.pipe(
      'plant.telemetry.clean.v1',
      [0, 1, 15, 18].map((minute) => ({ key: asset, value: powerReading(asset, minute * 60_000, 40) })),
    );
    // 40 kW over the first minute; the 14 minutes after it are a gap longer than the 60 s limit, not bridged.
    expect(
      consumption
        .outputs('energy.consumption-15m.v1')
        .map((o) => [(o.value as { level: string }).level, (o.value as { energyKwh: number }).energyKwh, (o.value as { cost: number }).cost]),
    ).toEqual([
      ['ASSET', 40 / 60, 0.25 * (40 / 60)],
      ['LINE', 40 / 60, 0.25 * (40 / 60)],
      ['SITE', 40 / 60, 0.25 * (40 / 60)],
    ]);
  });
});
