import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BirthStore } from './births.store';
import type { SparkplugMetric } from './sparkplug.payload';

const metric = (name: string, alias: number, unit?: string): SparkplugMetric => ({
  name,
  alias,
  datatype: 10,
  isHistorical: false,
  isNull: false,
  properties: unit ? { engUnit: unit } : {},
  raw: {},
});

describe('birth certificates kept in the state folder', () => {
  it('come back after a restart with aliases, units and death marks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-births-'));
    const store = new BirthStore(dir);
    const registry = store.load();
    registry.nodeBirth('berlin', 'press-shop.line-1', [], 0);
    registry.deviceBirth('berlin', 'press-shop.line-1', 'pump-1', [metric('flow', 1, 'm3/h')]);
    registry.deviceBirth('berlin', 'press-shop.line-1', 'motor-1', [metric('power', 2, 'kW')]);
    registry.deviceDeath('berlin', 'press-shop.line-1', 'motor-1');
    store.save(registry);

    const restored = new BirthStore(dir).load();
    // A data message names a metric by its alias only.
    const { name: _name, ...aliasOnly } = metric('x', 1);
    expect(restored.lookup('berlin', 'press-shop.line-1', 'pump-1', aliasOnly)).toEqual({ name: 'flow', alias: 1, datatype: 10, unit: 'm3/h' });
    expect(restored.isDead('berlin', 'press-shop.line-1', 'motor-1')).toBe(true);
    expect(restored.isDead('berlin', 'press-shop.line-1', 'pump-1')).toBe(false);
  });

  it('start empty from a missing or unreadable file (rebirth requests refill them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-births-'));
    expect(new BirthStore(dir).load().persist().nodes).toEqual([]);
    writeFileSync(join(dir, 'sparkplug-births.json'), '{ truncated');
    expect(new BirthStore(dir).load().persist().nodes).toEqual([]);
  });
});
