import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailureEpisode, FailureMode } from './failure.modes';
import { LabelsWriter } from './labels.writer';
import { PlantSimulation } from './plant.simulation';
import { buildPlant } from './plant.model';
import type { Reading } from './reading';

const START = Date.UTC(2026, 0, 5, 6, 0, 0);
const COMPRESSOR = 'acme/berlin/press-shop/line-1/compressor-1';
const PUMP = 'acme/berlin/press-shop/line-1/pump-1';

function simulation(seed = 7, onEpisodeEnd?: (episode: FailureEpisode) => void) {
  return new PlantSimulation(buildPlant(), { seed, startTimeMs: START, ...(onEpisodeEnd ? { onEpisodeEnd } : {}) });
}

/** Runs `seconds` of simulation at 1 Hz and returns the readings of one asset's signal. */
function series(sim: PlantSimulation, seconds: number, assetPath: string, signal: string): Reading[] {
  const out: Reading[] = [];
  for (let s = 0; s < seconds; s++) {
    for (const reading of sim.step(1000)) if (reading.asset.path === assetPath && reading.signal.name === signal) out.push(reading);
  }
  return out;
}

function mean(readings: Reading[]): number {
  const values = readings.map((r) => r.value).filter((v): v is number => typeof v === 'number');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function lastValues(sim: PlantSimulation, assetPath: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const reading of sim.step(1000)) if (reading.asset.path === assetPath && typeof reading.value === 'number') out[reading.signal.name] = reading.value;
  return out;
}

describe('plant simulation', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = simulation(1)
      .step(1000)
      .map((r) => r.value);
    const b = simulation(1)
      .step(1000)
      .map((r) => r.value);
    const c = simulation(2)
      .step(1000)
      .map((r) => r.value);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('publishes the signals of each class (a conveyor has no discharge pressure)', () => {
    const readings = simulation().step(1000);
    const signalsOf = (asset: string) => readings.filter((r) => r.asset.path.endsWith(asset)).map((r) => r.signal.name);
    expect(signalsOf('line-1/compressor-1')).toContain('discharge_pressure');
    expect(signalsOf('line-1/conveyor-1')).not.toContain('discharge_pressure');
    expect(new Set(readings.map((r) => r.asset.path)).size).toBe(8);
  });

  it('higher load means higher current, power, bearing temperature and vibration', () => {
    const light = simulation();
    const heavy = simulation();
    light.setLoad(COMPRESSOR, 30);
    heavy.setLoad(COMPRESSOR, 90);
    for (let s = 0; s < 1800; s++) {
      light.step(1000);
      heavy.step(1000);
    }
    const l = lastValues(light, COMPRESSOR);
    const h = lastValues(heavy, COMPRESSOR);
    for (const signal of ['motor_current', 'power', 'bearing_temperature', 'vibration_rms', 'flow', 'discharge_pressure']) {
      expect(h[signal], signal).toBeGreaterThan(l[signal] ?? Infinity);
    }
  });

  it('bearing temperature follows a load step with thermal lag while current jumps at once', () => {
    const sim = simulation();
    sim.setLoad(COMPRESSOR, 30);
    for (let s = 0; s < 3600; s++) sim.step(1000);
    const before = lastValues(sim, COMPRESSOR);
    sim.setLoad(COMPRESSOR, 95);
    for (let s = 0; s < 60; s++) sim.step(1000);
    const soon = lastValues(sim, COMPRESSOR);
    for (let s = 0; s < 3600; s++) sim.step(1000);
    const settled = lastValues(sim, COMPRESSOR);
    const currentRise = (soon.motor_current ?? 0) - (before.motor_current ?? 0);
    expect(currentRise).toBeGreaterThan(0.9 * ((settled.motor_current ?? 0) - (before.motor_current ?? 0)));
    const temperatureRiseSoon = (soon.bearing_temperature ?? 0) - (before.bearing_temperature ?? 0);
    const temperatureRiseSettled = (settled.bearing_temperature ?? 0) - (before.bearing_temperature ?? 0);
    expect(temperatureRiseSettled).toBeGreaterThan(10);
    expect(temperatureRiseSoon).toBeLessThan(0.4 * temperatureRiseSettled);
  });

  it('power is electrically consistent with current (3-phase 400 V, cos φ 0.86)', () => {
    const values = lastValues(simulation(), COMPRESSOR);
    const expected = (Math.sqrt(3) * 400 * (values.motor_current ?? 0) * 0.86) / 1000;
    expect(values.power).toBeCloseTo(expected, 0);
  });
});

describe('failure modes', () => {
  /** The same seed with and without the failure: everything else is identical, so the difference is the failure. */
  function compare(mode: FailureMode, assetPath: string, signal: string, extra: { signal?: 'bearing_temperature' | 'vibration_rms' | 'flow'; severity?: number } = {}) {
    const baseline = simulation();
    const faulty = simulation();
    faulty.inject({ assetPath, mode, durationMs: 1800_000, ...extra });
    // 1799 s: the reading at 1800 s is the first after the episode.
    return { normal: series(baseline, 1799, assetPath, signal), failed: series(faulty, 1799, assetPath, signal) };
  }

  it('bearing wear slowly raises vibration and bearing temperature', () => {
    const vibration = compare('bearing_wear', COMPRESSOR, 'vibration_rms');
    const early = mean(vibration.failed.slice(0, 60)) - mean(vibration.normal.slice(0, 60));
    const late = mean(vibration.failed.slice(-60)) - mean(vibration.normal.slice(-60));
    expect(late).toBeGreaterThan(early + 4);
    const temperature = compare('bearing_wear', COMPRESSOR, 'bearing_temperature');
    expect(mean(temperature.failed.slice(-60)) - mean(temperature.normal.slice(-60))).toBeGreaterThan(10);
  });

  it('overheating raises bearing temperature', () => {
    const { normal, failed } = compare('overheating', PUMP, 'bearing_temperature');
    expect(mean(failed.slice(-60)) - mean(normal.slice(-60))).toBeGreaterThan(20);
  });

  it('scales a failure by its severity: overheating at 0.5 adds half the heat, a drift at 0.5 half the offset', () => {
    const rise = (severity: number) => {
      const { normal, failed } = compare('overheating', PUMP, 'bearing_temperature', { severity });
      return mean(failed.slice(-60)) - mean(normal.slice(-60));
    };
    expect(rise(0.5) / rise(1)).toBeCloseTo(0.5, 1);
    const offset = (severity: number) => {
      const { normal, failed } = compare('drifting_sensor', COMPRESSOR, 'bearing_temperature', { severity });
      return mean(failed.slice(-60)) - mean(normal.slice(-60));
    };
    expect(offset(0.5) / offset(1)).toBeCloseTo(0.5, 1);
  });

  it('a leak drops discharge pressure and raises flow', () => {
    const pressure = compare('leak', PUMP, 'discharge_pressure');
    expect(mean(pressure.failed)).toBeLessThan(0.85 * mean(pressure.normal));
    const flow = compare('leak', PUMP, 'flow');
    expect(mean(flow.failed)).toBeGreaterThan(1.1 * mean(flow.normal));
  });

  it('cavitation makes discharge pressure fluctuate and raises vibration', () => {
    const spread = (readings: Reading[]) => {
      const diffs = readings.slice(1).map((r, i) => Math.abs((r.value as number) - (readings[i]?.value as number)));
      return diffs.reduce((a, b) => a + b, 0) / diffs.length;
    };
    const pressure = compare('cavitation', PUMP, 'discharge_pressure');
    expect(spread(pressure.failed)).toBeGreaterThan(3 * spread(pressure.normal));
    const vibration = compare('cavitation', PUMP, 'vibration_rms');
    expect(mean(vibration.failed) - mean(vibration.normal)).toBeGreaterThan(2);
  });

  it('cavitation cannot be injected into a conveyor', () => {
    expect(() => simulation().inject({ assetPath: 'acme/berlin/press-shop/line-1/conveyor-1', mode: 'cavitation', durationMs: 1000 })).toThrow(/conveyor cannot have it/);
  });

  it('a stuck sensor repeats one value with status Uncertain', () => {
    const { failed } = compare('stuck_sensor', COMPRESSOR, 'bearing_temperature');
    expect(new Set(failed.map((r) => r.value)).size).toBe(1);
    expect(failed.every((r) => r.quality === 'UNCERTAIN' && r.status === 'UncertainLastUsableValue')).toBe(true);
  });

  it('a drifting sensor reports a growing calibration offset while quality stays good', () => {
    const { normal, failed } = compare('drifting_sensor', COMPRESSOR, 'bearing_temperature');
    const offset = (from: number, to?: number) => mean(failed.slice(from, to)) - mean(normal.slice(from, to));
    expect(offset(0, 60)).toBeLessThan(2);
    expect(offset(-60)).toBeGreaterThan(15);
    expect(failed.every((r) => r.quality === 'GOOD')).toBe(true);
  });

  it('spikes put isolated outliers into the signal', () => {
    const { normal, failed } = compare('spikes', COMPRESSOR, 'vibration_rms');
    const outliers = failed.filter((r, i) => Math.abs((r.value as number) - (normal[i]?.value as number)) > 5).length;
    expect(outliers).toBeGreaterThan(50);
    expect(outliers).toBeLessThan(400);
  });

  it('a dropout leaves readings missing or Bad with no value', () => {
    const { normal, failed } = compare('dropout', COMPRESSOR, 'motor_current');
    expect(failed.length).toBeLessThan(0.7 * normal.length);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.quality === 'BAD' && r.value === null)).toBe(true);
  });

  it('writes each episode as a label with asset, mode, start and end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-labels-'));
    const writer = new LabelsWriter({ jsonl: join(dir, 'labels.jsonl'), csv: join(dir, 'labels.csv') });
    const sim = simulation(7, (episode) => writer.write(episode));
    sim.inject({ assetPath: PUMP, mode: 'leak', startMs: START + 10_000, durationMs: 20_000 });
    sim.inject({ assetPath: COMPRESSOR, mode: 'stuck_sensor', signal: 'vibration_rms', startMs: START + 5_000, durationMs: 60_000 });
    for (let s = 0; s < 40; s++) sim.step(1000);
    sim.finish();
    const lines = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ assetPath: PUMP, mode: 'leak', startMs: START + 10_000, endMs: START + 30_000, start: '2026-01-05T06:00:10.000Z' }),
      expect.objectContaining({ assetPath: COMPRESSOR, mode: 'stuck_sensor', signal: 'vibration_rms', startMs: START + 5_000, endMs: START + 40_000 }),
    ]);
    const csv = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,assetPath,mode,signal,startMs,endMs,start,end,severity');
    expect(csv[1]).toContain(`${PUMP},leak,,${START + 10_000},${START + 30_000}`);
    expect(sim.labels()).toHaveLength(2);
  });
});
