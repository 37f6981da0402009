import { describe, expect, it } from 'vitest';
import { cpuPerPoint, parseProcessCpuMs } from './cpu.meter';

describe('cpu meter', () => {
  it('reads user and kernel time from /proc/<pid>/stat, whatever the command name holds', () => {
    const stat = '4242 (java (kafka) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 7 8 20 0 80 0 123 4567 89';
    expect(parseProcessCpuMs(stat)).toBe(18_000);
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcessCpuMs('nonsense')).toThrow(/not a \/proc/);
  });

  it('divides each CPU time by the points delivered, in microseconds, and the machine time by its cores', () => {
    const cost = cpuPerPoint(
      { machineBusyMs: 1_000, processes: { gateway: 100, mosquitto: 10, gone: 5 } },
      { machineBusyMs: 11_000, processes: { gateway: 4_100, mosquitto: 1_010, gone: undefined } },
      100_000,
      10,
      2,
    );
    expect(cost).toEqual({ machine: 100, processes: { gateway: 40, mosquitto: 10, gone: undefined }, machineBusyPercent: 50 });
  });

  it('reports no cost rather than infinity when nothing was delivered', () => {
    expect(cpuPerPoint({ machineBusyMs: 0, processes: {} }, { machineBusyMs: 5, processes: {} }, 0, 1, 2).machine).toBe(0);
  });
});
