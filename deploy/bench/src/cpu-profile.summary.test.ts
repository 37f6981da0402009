import { describe, expect, it } from 'vitest';
import { summariseProfile, type CpuProfile } from './cpu-profile.summary';

const root = '/repo';

// root → encode (avsc) → fsync (node:fs); plus idle and GC. Deltas in microseconds.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
    { id: 2, callFrame: { functionName: 'readingEnvelope', url: 'file:///repo/edge-gateway/src/ingest/ingestor.ts', lineNumber: 88 } },
    { id: 3, callFrame: { functionName: 'Type._write', url: 'file:///repo/node_modules/avsc/lib/types.js', lineNumber: 9 } },
    { id: 4, callFrame: { functionName: 'fsync', url: 'node:fs', lineNumber: 0 } },
    { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 6, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    { id: 7, callFrame: { functionName: 'post', url: 'node:inspector', lineNumber: 114 } },
    { id: 8, callFrame: { functionName: 'decode', url: 'file:///repo/connectors/mqtt/src/json.decoder.ts', lineNumber: 0 } },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [3, 3, 3, 2, 4, 5, 5, 5, 5, 6, 7, 8],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 5000, 1000],
};

describe('summariseProfile', () => {
  const summary = summariseProfile(profile, root);

  it('charges each sample to the function on top of the stack, with its file and line', () => {
    expect(summary.functions[0]).toEqual({ function: 'Type._write (avsc/lib/types.js:10)', area: 'avsc', selfMs: 3, selfPercent: 27.3 });
    expect(summary.functions.map((f) => f.function)).toContain('readingEnvelope (edge-gateway/src/ingest/ingestor.ts:89)');
  });

  it('names only the file when compiled code reports no line', () => {
    expect(summary.functions.map((f) => f.function)).toContain('decode (connectors/mqtt/src/json.decoder.ts)');
  });

  it("leaves out the profiler's own inspector calls", () => {
    expect(summary.totalMs).toBe(11);
    expect(summary.functions.map((f) => f.function).join()).not.toContain('node:inspector');
  });

  it('reports idle time apart and leaves it out of the hot functions', () => {
    expect(summary.idlePercent).toBe(36.4);
    expect(summary.functions.map((f) => f.function)).not.toContain('(idle)');
  });

  it('groups by package or repository folder, with GC as its own area', () => {
    expect(summary.areas).toEqual(
      expect.arrayContaining([
        { area: 'avsc', selfMs: 3, selfPercent: 27.3 },
        { area: 'edge-gateway', selfMs: 1, selfPercent: 9.1 },
        { area: 'connectors/mqtt', selfMs: 1, selfPercent: 9.1 },
        { area: 'node core', selfMs: 1, selfPercent: 9.1 },
        { area: '(garbage collector)', selfMs: 1, selfPercent: 9.1 },
      ]),
    );
  });
});
