import type { PlantOutput } from './plant.output';
import { PlantPacer, systemClock, type PacerOptions, type WallClock } from './plant.pacer';
import type { PlantSimulation } from './plant.simulation';
import type { Reading } from './reading';

/** The readings of one instant of plant time. */
export interface TimedBatch {
  timestampMs: number;
  readings: Reading[];
}

export interface BatchSource {
  next(): TimedBatch | undefined;
}

/** Steps a simulation at a fixed sample interval until an optional end of simulated time. */
export class SimulationSource implements BatchSource {
  constructor(
    private readonly simulation: PlantSimulation,
    private readonly tickMs: number,
    private readonly endMs?: number,
  ) {}

  next(): TimedBatch | undefined {
    if (this.endMs !== undefined && this.simulation.nowMs + this.tickMs > this.endMs) return undefined;
    const readings = this.simulation.step(this.tickMs);
    return { timestampMs: this.simulation.nowMs, readings };
  }
}

/** Bounds memory when outputs are slower than the pace: the runner waits rather than queue more. */
const MAX_BATCHES_IN_FLIGHT = 32;

export interface RunnerStats {
  batches: number;
  readings: number;
  publishErrors: number;
  lastError?: string;
  /** Plant time of the last batch. */
  plantTimeMs?: number;
}

/**
 * Publishes batches to every output, paced so that plant time runs `speed` times faster than wall
 * time, and at wall time once it is `maxLeadMs` ahead of the wall clock (see PlantPacer). A runner that
 * falls behind (outputs slower than the pace) publishes back to back and does not skip: every reading is
 * published.
 */
export class TickRunner {
  readonly done: Promise<void>;
  private running = true;
  private readonly counters: RunnerStats = { batches: 0, readings: 0, publishErrors: 0 };

  constructor(
    private readonly source: BatchSource,
    private readonly outputs: readonly PlantOutput[],
    private readonly pace: PacerOptions,
    private readonly clock: WallClock = systemClock,
  ) {
    this.done = this.loop();
  }

  stats(): RunnerStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async loop(): Promise<void> {
    const pacer = new PlantPacer(this.pace, this.clock.now());
    // Batches are pipelined: waiting for every QoS 1 acknowledgement before the next batch would cap
    // throughput at one broker round trip (often a 40 ms delayed ACK) per batch. Order is kept, since
    // each output sends on one connection in call order.
    const inFlight = new Set<Promise<void>>();
    while (this.running) {
      const batch = this.source.next();
      if (!batch) break;
      const wait = pacer.dueAt(batch.timestampMs) - this.clock.now();
      if (wait > 1) await this.clock.sleep(wait);
      else if (this.counters.batches % 64 === 0) await this.clock.sleep(0); // let timers and sockets run when behind
      if (!this.running) break;
      const publishing = this.publish(batch).finally(() => inFlight.delete(publishing));
      inFlight.add(publishing);
      if (inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private async publish(batch: TimedBatch): Promise<void> {
    this.counters.batches += 1;
    this.counters.plantTimeMs = batch.timestampMs;
    const results = await Promise.allSettled(this.outputs.map((output) => output.publish(batch.readings)));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.counters.publishErrors += 1;
        this.counters.lastError = result.reason instanceof Error ? result.reason.message : String(result.reason);
      }
    }
    this.counters.readings += batch.readings.length;
  }
}
