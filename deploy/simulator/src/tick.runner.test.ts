import { describe, expect, it } from 'vitest';
import type { OutputName, PlantOutput } from './plant.output';
import type { WallClock } from './plant.pacer';
import type { Reading } from './reading';
import { TickRunner, type BatchSource } from './tick.runner';

const WALL = Date.UTC(2026, 2, 1, 12, 0, 0);
const SECOND = 1000;

/** A wall clock that moves only when the runner sleeps. */
class FakeWallClock implements WallClock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += ms;
  }
}

/** Keeps the wall-clock time each batch went out at, and its plant time. */
class TimingOutput implements PlantOutput {
  readonly name: OutputName = 'mqtt-json';
  readonly sent: Array<{ wallMs: number; plantMs: number }> = [];
  constructor(private readonly clock: WallClock) {}
  async start(): Promise<void> {}
  async publish(readings: readonly Reading[]): Promise<void> {
    this.sent.push({ wallMs: this.clock.now(), plantMs: readings[0]!.timestampMs });
  }
  published(): number {
    return this.sent.length;
  }
  async stop(): Promise<void> {}
}

/** One batch per plant second from `originMs`, `count` of them. */
function seconds(originMs: number, count: number): BatchSource {
  let k = 0;
  return {
    next() {
      if (k >= count) return undefined;
      const timestampMs = originMs + k++ * SECOND;
      return { timestampMs, readings: [{ timestampMs } as Reading] };
    },
  };
}

async function run(pace: { speed: number; originMs: number; maxLeadMs?: number }, count: number) {
  const clock = new FakeWallClock(WALL);
  const output = new TimingOutput(clock);
  await new TickRunner(seconds(pace.originMs, count), [output], pace, clock).done;
  return output.sent;
}

describe('TickRunner pacing against the wall clock', () => {
  it('runs a plant ten times faster than the wall clock until it is maxLead ahead, then at real time to the end, every batch published', async () => {
    // Starts 30 s in the past; at 10x it gains 9 s per wall second and reaches the 60 s lead after 10 wall seconds.
    const sent = await run({ speed: 10, originMs: WALL - 30 * SECOND, maxLeadMs: 60 * SECOND }, 300);
    expect(sent).toHaveLength(300);
    const lead = sent.map(({ wallMs, plantMs }) => plantMs - wallMs);
    expect(Math.max(...lead)).toBe(60 * SECOND);
    const step = (k: number) => sent[k + 1]!.wallMs - sent[k]!.wallMs;
    expect([step(0), step(50), step(98)]).toEqual([100, 100, 100]);
    expect([step(100), step(200), step(298)]).toEqual([SECOND, SECOND, SECOND]);
    expect(sent.at(-1)).toEqual({ wallMs: WALL + 209 * SECOND, plantMs: WALL + 269 * SECOND });
  });

  it('keeps the full speed for the whole run without a lead limit', async () => {
    const sent = await run({ speed: 10, originMs: WALL - 30 * SECOND }, 300);
    expect(sent.at(-1)).toEqual({ wallMs: WALL + 29_900, plantMs: WALL + 269 * SECOND });
  });

  it('holds a plant that starts beyond the lead until the wall clock catches up', async () => {
    const sent = await run({ speed: 10, originMs: WALL + 90 * SECOND, maxLeadMs: 60 * SECOND }, 3);
    expect(sent.map(({ wallMs }) => wallMs - WALL)).toEqual([30 * SECOND, 31 * SECOND, 32 * SECOND]);
  });
});
