import { describe, expect, it } from 'vitest';
import { DedupeMemory } from './dedupe.memory';

const MINUTE = 60_000;

describe('DedupeMemory', () => {
  it('recognises a repeated (gateway, sequence) and only that', () => {
    const memory = new DedupeMemory({ horizonMs: 60 * MINUTE });
    expect(memory.check('gw-1', 7, 1000)).toBe('new');
    expect(memory.check('gw-2', 7, 1000)).toBe('new');
    expect(memory.check('gw-1', 8, 1001)).toBe('new');
    expect(memory.check('gw-1', 7, 1000)).toBe('duplicate');
    expect(memory.check('gw-2', 7, 1000)).toBe('duplicate');
  });

  it('recognises a gateway replay of its last minutes after thousands of newer readings', () => {
    const memory = new DedupeMemory({ horizonMs: 60 * MINUTE });
    for (let seq = 0; seq < 20_000; seq++) memory.check('gw-1', seq, seq * 10);
    const replayed = Array.from({ length: 5000 }, (_, i) => memory.check('gw-1', 15_000 + i, (15_000 + i) * 10));
    expect(new Set(replayed)).toEqual(new Set(['duplicate']));
  });

  it('forgets what is older than the horizon and says so instead of dropping', () => {
    const memory = new DedupeMemory({ horizonMs: MINUTE });
    // One reading per second for ten minutes: the horizon holds about a minute of them.
    for (let seq = 0; seq < 600 * 20; seq++) memory.check('gw-1', seq, seq * 50);
    expect(memory.check('gw-1', 0, 0)).toBe('beyond-horizon');
    expect(memory.check('gw-1', 600 * 20 - 1, (600 * 20 - 1) * 50)).toBe('duplicate');
    expect(memory.size().chunks).toBeLessThanOrEqual(3);
  });

  it('keeps memory within maxChunks however many gateways write', () => {
    const memory = new DedupeMemory({ horizonMs: 60 * MINUTE, maxChunks: 10 });
    for (let gateway = 0; gateway < 50; gateway++) memory.check(`gw-${gateway}`, 1, gateway);
    expect(memory.size().chunks).toBe(10);
    expect(memory.check('gw-0', 1, 0)).toBe('beyond-horizon');
    expect(memory.check('gw-49', 1, 49)).toBe('duplicate');
  });
});
