import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimulatorConfig } from './config';
import { ConfigInvalid } from '@fieldmesh/config';
import { buildPlant } from './plant.model';
import { recordPlant } from './plant.recorder';
import { PlantSimulation } from './plant.simulation';
import { loadReplayMapping } from './replay.mapping';
import { ReplaySource } from './replay.source';

const dir = () => mkdtempSync(join(tmpdir(), 'sim-replay-'));

describe('replay of a recorded plant', () => {
  it('maps each column to its asset and signal, skips empty cells and reads labels', () => {
    const folder = dir();
    writeFileSync(
      join(folder, 'plant.csv'),
      ['time,temp,amps,note', '2026-01-05T06:00:00Z,61.5,42,', '2026-01-05T06:00:01Z,,43,acme/berlin/press-shop/line-1/pump-1:leak', '2026-01-05T06:00:02Z,62,44,normal'].join(
        '\n',
      ),
    );
    writeFileSync(
      join(folder, 'mapping.yaml'),
      [
        'timestamp: { column: time }',
        'label: { column: note }',
        'columns:',
        '  - { column: temp, asset: acme/berlin/press-shop/line-1/pump-1, signal: bearing_temperature }',
        '  - { column: amps, asset: acme/berlin/press-shop/line-1/pump-1, signal: motor_current }',
      ].join('\n'),
    );
    const source = new ReplaySource(join(folder, 'plant.csv'), loadReplayMapping(join(folder, 'mapping.yaml')));
    expect(source.plant.assets.map((asset) => [asset.path, asset.assetClass])).toEqual([['acme/berlin/press-shop/line-1/pump-1', 'pump']]);
    const first = source.next();
    expect(first?.timestampMs).toBe(Date.parse('2026-01-05T06:00:00Z'));
    expect(first?.readings.map((r) => [r.signal.name, r.value, r.signal.unit])).toEqual([
      ['bearing_temperature', 61.5, 'Cel'],
      ['motor_current', 42, 'A'],
    ]);
    expect(source.next()?.readings.map((r) => r.signal.name)).toEqual(['motor_current']);
    expect(source.next()).toBeDefined();
    expect(source.next()).toBeUndefined();
    expect(source.labels()).toEqual([
      expect.objectContaining({
        assetPath: 'acme/berlin/press-shop/line-1/pump-1',
        mode: 'leak',
        startMs: Date.parse('2026-01-05T06:00:01Z'),
        endMs: Date.parse('2026-01-05T06:00:02Z'),
      }),
    ]);
  });

  it('a mapping error names the field', () => {
    const folder = dir();
    writeFileSync(join(folder, 'mapping.yaml'), 'columns:\n  - { column: x, asset: pump-1, signal: torque }\n');
    expect(() => loadReplayMapping(join(folder, 'mapping.yaml'))).toThrow(ConfigInvalid);
    expect(() => loadReplayMapping(join(folder, 'mapping.yaml'))).toThrow(/columns\.0\.asset[\s\S]*columns\.0\.unit: required: torque is not a catalog signal/);
  });

  it('a cell that is not a number names the file and line', () => {
    const folder = dir();
    writeFileSync(join(folder, 'plant.csv'), 'timestamp,t\n1767592800000,hot\n');
    writeFileSync(join(folder, 'mapping.yaml'), 'columns:\n  - { column: t, asset: acme/berlin/press-shop/line-1/motor-1, signal: bearing_temperature }\n');
    const source = new ReplaySource(join(folder, 'plant.csv'), loadReplayMapping(join(folder, 'mapping.yaml')));
    expect(() => source.next()).toThrow(/plant\.csv:2: .*"hot", not a number/);
  });

  it('a recording replays to the same readings and labels the simulation produced', () => {
    const folder = dir();
    const config = parseSimulatorConfig({
      seed: 11,
      startTimeMs: Date.UTC(2026, 0, 5),
      durationSeconds: 120,
      failures: [{ asset: 'line-2/pump-1', mode: 'cavitation', at: 30, duration: 60 }],
    });
    const files = recordPlant(config, join(folder, 'run.csv'));
    expect(files.rows).toBe(120);
    const source = new ReplaySource(files.csv, loadReplayMapping(files.mapping));
    const rows = [];
    for (let batch = source.next(); batch; batch = source.next()) rows.push(batch);
    expect(rows).toHaveLength(120);
    expect(rows[0]?.readings).toHaveLength(56); // per line 8 + 8 + 6 + 6 signals
    const simulated = new PlantSimulation(buildPlant(config.plant), { seed: 11, startTimeMs: Date.UTC(2026, 0, 5) }).step(1000);
    expect(rows[0]?.readings.map((r) => [r.asset.path, r.signal.name, r.value])).toEqual(simulated.map((r) => [r.asset.path, r.signal.name, r.value]));
    expect(source.labels()).toEqual([
      expect.objectContaining({
        assetPath: 'acme/berlin/press-shop/line-2/pump-1',
        mode: 'cavitation',
        startMs: Date.UTC(2026, 0, 5) + 30_000,
        endMs: Date.UTC(2026, 0, 5) + 90_000,
      }),
    ]);
  });
});
