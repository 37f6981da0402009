import { setTimeout as sleep } from 'node:timers/promises';

export interface PacerOptions {
  /** Simulated seconds per wall-clock second. */
  speed: number;
  /** Plant time of the first batch: published at the start. */
  originMs: number;
  /**
   * How far plant time may run ahead of the wall clock. Once the plant would pass it, it runs at real time
   * (speed 1) instead of `speed`, so its readings stay within a consumer's maximum clock skew. No limit when
   * absent.
   */
  maxLeadMs?: number;
}

/** The wall clock the runner paces against: real by default, a fake one in tests. */
export interface WallClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: WallClock = { now: Date.now, sleep: (ms) => sleep(ms) };

/**
 * When each instant of plant time is due on the wall clock. Plant time runs `speed` times faster than the
 * wall clock from the start; a plant faster than the wall clock overtakes it, and a gateway or windowed job
 * dead-letters readings stamped beyond its maximum clock skew. So no instant is due before the wall clock
 * reaches it minus `maxLeadMs`: from then on the plant keeps pace with the wall clock (speed 1) instead of
 * stopping, and publishes for as long as it runs.
 */
export class PlantPacer {
  constructor(
    private readonly options: PacerOptions,
    private readonly wallStartMs: number,
  ) {}

  /** The wall-clock time (epoch ms) at which the plant instant `plantMs` is published. */
  dueAt(plantMs: number): number {
    const { speed, originMs, maxLeadMs } = this.options;
    const fast = this.wallStartMs + (plantMs - originMs) / speed;
    return maxLeadMs === undefined ? fast : Math.max(fast, plantMs - maxLeadMs);
  }
}
