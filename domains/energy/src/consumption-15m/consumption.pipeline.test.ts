import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { type StreamOutput, TestDriver, type TestInput } from '@fieldmesh/streams';
import { REPO_ROOT } from '@fieldmesh/testing';
import { describe, expect, it } from 'vitest';
import { cleanPowerReadings, cleanSchema } from '../../test/support/clean-readings';
import { ConsumptionPipeline } from './consumption.pipeline';
import { tariffConfigSchema } from './tariff.config';

const contract = loadContract(join(REPO_ROOT, 'contracts', 'energy', 'consumption-15m.yaml'), REPO_ROOT);
const CLEAN = 'plant.telemetry.clean.v1';
const OUT = 'energy.consumption-15m.v1';
const MIN = 60_000;
// Friday 2026-05-01 08:00 Berlin (06:00 UTC): peak.
const T0 = Date.UTC(2026, 4, 1, 6, 0, 0);
const tariffs = tariffConfigSchema.parse({
  sites: {
    'acme/berlin': {
      timeZone: 'Europe/Berlin',
      basePricePerKwh: 0.2,
      basePeriodName: 'off-peak',
      periods: [{ name: 'peak', pricePerKwh: 0.3, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '08:15' }],
    },
  },
});

const powerReading = cleanPowerReadings();
function reading(assetPath: string, time: number, kw: number, overrides: Record<string, unknown> = {}): TestInput {
  return { key: assetPath, value: powerReading(assetPath, time, kw, overrides) };
}

/** One reading every 10 s from `from` (inclusive) to `to` (exclusive). */
function steady(assetPath: string, from: number, to: number, kw: number): TestInput[] {
  const inputs: TestInput[] = [];
  for (let t = from; t < to; t += 10_000) inputs.push(reading(assetPath, t, kw));
  return inputs;
}

function setup(clock?: () => number) {
  const pipeline = new ConsumptionPipeline(contract, { tariffs, ...(clock ? { clock } : {}) });
  const driver = new TestDriver({ handler: pipeline.handle, inputs: { [CLEAN]: cleanSchema }, outputs: { [OUT]: pipeline.outputSchema } });
  return { pipeline, driver };
}

const rowsOf = (outputs: StreamOutput[]) => outputs.map((o) => o.value as Record<string, unknown>);
const find = (rows: Record<string, unknown>[], level: string, scopePath: string, start: number) =>
  rows.find((r) => r.level === level && r.scopePath === scopePath && (r.windowStart as Date).getTime() === start);

describe('ConsumptionPipeline', () => {
  const press = 'acme/berlin/press-shop/line-1/press-1';
  const pump = 'acme/berlin/press-shop/line-1/pump-1';

  it('gives kWh and cost per asset, line and site for each closed 15-minute window', async () => {
    const { driver } = setup();
    // The two assets on two partitions, each partition's half hour delivered as one run.
    await driver.pipe(CLEAN, [...steady(press, T0, T0 + 30 * MIN, 60), ...steady(pump, T0, T0 + 30 * MIN, 20).map((input) => ({ ...input, partition: 1 }))]);
    // A reading past the second window's end plus the allowed lateness closes both windows.
    await driver.pipe(CLEAN, [reading(press, T0 + 33 * MIN, 60)]);
    const rows = rowsOf(driver.outputs(OUT));
    expect(rows).toHaveLength(2 * (2 + 1 + 1));
    expect(find(rows, 'ASSET', press, T0)).toMatchObject({ energyKwh: 15, cost: 4.5, tariffPeriod: 'peak', coverageRatio: 1, readingCount: 90 });
    expect(find(rows, 'ASSET', pump, T0 + 15 * MIN)).toMatchObject({ energyKwh: 5, cost: 1, tariffPeriod: 'off-peak' });
    expect(find(rows, 'LINE', 'acme/berlin/press-shop/line-1', T0)).toMatchObject({ energyKwh: 20, assetCount: 2, cost: 6 });
    expect(find(rows, 'SITE', 'acme/berlin', T0 + 15 * MIN)).toMatchObject({ energyKwh: 20, cost: 4, currency: 'EUR' });
  });

  it("waits for partitions that are behind: the press partition's half hour read in a batch of its own first, no reading late, 12 rows", async () => {
    const { pipeline } = setup();
    const driver = new TestDriver({ handler: pipeline.handle, inputs: { [CLEAN]: cleanSchema }, outputs: { [OUT]: pipeline.outputSchema }, state: pipeline.state });
    const fan = 'acme/berlin/press-shop/line-2/fan-1';
    // As after downtime or under load: the half hour is in Kafka, and the consumer hands over one partition per batch.
    [press, pump, fan].forEach((asset, partition) =>
      driver.send(
        CLEAN,
        steady(asset, T0, T0 + 30 * MIN, 20).map((input) => ({ ...input, partition })),
      ),
    );
    for (const partition of [0, 1, 2]) await driver.deliver(CLEAN, [partition]);
    await driver.pipe(CLEAN, [reading(press, T0 + 33 * MIN, 20)]);
    expect(pipeline.stats()).toMatchObject({ powerReadings: 541, late: 0 });
    expect(driver.deadLetters()).toEqual([]);
    expect(rowsOf(driver.outputs(OUT))).toHaveLength(2 * (3 + 2 + 1));
  });

  it('keeps a window open until the allowed lateness has passed, and takes an out-of-order reading in it', async () => {
    const { driver } = setup();
    await driver.pipe(
      CLEAN,
      steady(press, T0, T0 + 15 * MIN, 60).filter((_, i) => i !== 45),
    );
    await driver.pipe(CLEAN, [reading(press, T0 + 16 * MIN, 60)]);
    expect(driver.outputs(OUT)).toHaveLength(0);
    await driver.pipe(CLEAN, [reading(press, T0 + 7.5 * MIN, 60), reading(press, T0 + 17 * MIN + 1, 60)]);
    expect(find(rowsOf(driver.outputs(OUT)), 'ASSET', press, T0)).toMatchObject({ readingCount: 90, energyKwh: 15 });
  });

  it('dead-letters a power reading for a window already emitted, with the reason', async () => {
    const { driver, pipeline } = setup();
    await driver.pipe(CLEAN, [...steady(press, T0, T0 + 15 * MIN, 60), reading(press, T0 + 18 * MIN, 60)]);
    await driver.pipe(CLEAN, [reading(press, T0 + 5 * MIN, 60)]);
    expect(driver.deadLetters().map((d) => (d.error as Error).name)).toEqual(['PowerReadingLate']);
    expect(pipeline.stats()).toMatchObject({ late: 1 });
  });

  it('keeps closing windows after a power reading stamped ten years ahead, which it dead-letters as beyond the clock skew', async () => {
    const { driver, pipeline } = setup(() => T0 + 40 * MIN);
    const tenYearsAhead = reading(press, T0 + 10 * 365 * 24 * 60 * MIN, 60);
    await driver.pipe(CLEAN, [...steady(press, T0, T0 + 5 * MIN, 60), tenYearsAhead, ...steady(press, T0 + 5 * MIN, T0 + 15 * MIN, 60)]);
    await driver.pipe(CLEAN, steady(press, T0 + 15 * MIN, T0 + 18 * MIN, 60));
    expect(driver.deadLetters().map((d) => (d.error as Error).name)).toEqual(['EventTimeBeyondClockSkew']);
    expect(find(rowsOf(driver.outputs(OUT)), 'ASSET', press, T0)).toMatchObject({ readingCount: 90, energyKwh: 15 });
    expect(pipeline.stats()).toMatchObject({ late: 0, quarantined: 1 });
  });

  it('ignores other signals and treats BAD power readings as a gap', async () => {
    const { driver, pipeline } = setup();
    const inputs = steady(press, T0, T0 + 15 * MIN, 60).map((input, i) => (i >= 30 && i < 60 ? reading(press, T0 + i * 10_000, 60, { quality: 'BAD' }) : input));
    await driver.pipe(CLEAN, [...inputs, reading(press, T0, 61.5, { signal: 'bearing_temperature', unit: 'Cel' }), reading(press, T0 + 20 * MIN, 60)]);
    const row = find(rowsOf(driver.outputs(OUT)), 'ASSET', press, T0);
    expect(row?.coverageRatio).toBeCloseTo((15 * MIN - 310_000) / (15 * MIN), 9);
    expect(pipeline.stats()).toMatchObject({ badQuality: 30, otherSignals: 1 });
  });
});
