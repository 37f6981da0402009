import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSimulation, type ScheduledFailure } from './recording';

/** Each asset gets four episodes, 20 minutes apart, cycling through the modes its class can have. */
const MODES: Record<string, string[]> = {
  compressor: ['bearing_wear', 'overheating', 'leak', 'stuck_sensor'],
  pump: ['cavitation', 'leak', 'bearing_wear', 'spikes'],
  motor: ['overheating', 'bearing_wear', 'drifting_sensor', 'spikes'],
  conveyor: ['bearing_wear', 'overheating', 'spikes', 'stuck_sensor'],
};

function schedule(): ScheduledFailure[] {
  const failures: ScheduledFailure[] = [];
  for (const line of ['line-1', 'line-2']) {
    for (const [assetClass, modes] of Object.entries(MODES)) {
      modes.forEach((mode, i) => failures.push({ asset: `${line}/${assetClass}-1`, mode, at: 600 + i * 1200 + (line === 'line-2' ? 300 : 0), duration: i % 2 === 0 ? 180 : 300 }));
    }
  }
  return failures;
}

describe('backtest CLI on a labelled recording of the simulated plant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-health-backtest-'));
  let output: string;
  let metrics: { episodes: number; detected: number; recall: number; precision: number; f1: number; falseAlarmsPerAssetDay: number; delaySeconds: { median: number } };

  beforeAll(() => {
    const csv = recordSimulation(dir, { name: 'labelled', durationSeconds: 5400, seed: 21, linesPerSite: 2, failures: schedule() });
    const run = (...args: string[]) =>
      execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['domains/asset-health/src/backtest.ts', '--recording', csv, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    output = run();
    metrics = JSON.parse(run('--json'));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints precision, recall, F1, the false-alarm rate and the detection delay', () => {
    expect(output).toMatch(/episodes 32, detected \d+/);
    expect(output).toMatch(/precision \d+\.\d% {2}recall \d+\.\d% {2}F1 \d+\.\d%/);
    expect(output).toMatch(/false-alarm rate \d+\.\d\d per asset-day/);
    expect(output).toMatch(/detection delay median \d+ s, p90 \d+ s, max \d+ s/);
    expect(output).toMatch(/bearing_wear +\d+\/8 detected/);
  });

  it('detects most failure episodes with few false alarms (measured: see the closing figures in the report)', () => {
    expect(metrics.episodes).toBe(32);
    expect(metrics.recall).toBeGreaterThanOrEqual(0.8);
    expect(metrics.precision).toBeGreaterThanOrEqual(0.9);
    expect(metrics.delaySeconds.median).toBeLessThanOrEqual(60);
  });
});
