import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFailureCoverage, type ModeCoverage } from '../src/failure-coverage';

/**
 * The synthetic rare failures of `npm run bench:failure-modes` (seed 42), recorded from the simulator's physics
 * and backtested with the shipped models: a regression check on what they catch. The floors sit just below what
 * was measured (see domains/asset-health/README.md); the modes they miss (a drift, a dropout) have no floor.
 */
describe('recall per failure mode on synthetic rare failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failure-coverage-'));
  let rows: ModeCoverage[];
  let falseAlerts: number;

  beforeAll(async () => {
    const measured = await measureFailureCoverage({ seed: 42, out: dir });
    rows = measured.rows;
    falseAlerts = measured.result.metrics.falseAlerts;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (name: string) => rows.find((row) => row.mode === name)!;

  it('labels episodes of every failure mode on every class that can have it, and judges each one', () => {
    expect(Object.fromEntries(rows.map((row) => [row.mode, row.episodes]))).toEqual({
      bearing_wear: 24,
      overheating: 24,
      leak: 12,
      cavitation: 6,
      stuck_sensor: 24,
      drifting_sensor: 24,
      spikes: 24,
      dropout: 24,
    });
  });

  it('catches bearing wear and cavitation at every severity, and the modelled overheating (severity 1), with few false alerts', () => {
    expect(mode('bearing_wear').recall).toBeGreaterThanOrEqual(0.9);
    expect(mode('cavitation').recall).toBeGreaterThanOrEqual(0.8);
    expect(mode('overheating').bySeverity['1']!.detected).toBeGreaterThanOrEqual(6);
    expect(mode('spikes').recall).toBeGreaterThanOrEqual(0.75);
    expect(falseAlerts).toBeLessThanOrEqual(2);
  });
});
