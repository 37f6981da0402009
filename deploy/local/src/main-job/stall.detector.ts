import type { StageFlow } from '@fieldmesh/pipeline';

/** A stage whose input kept flowing while it produced nothing for longer than its quiet limit. */
export interface Stall {
  stage: string;
  /** Wall-clock seconds of input flowing with no output (the longest such stretch seen). */
  quietSeconds: number;
  /** Records it took in since its last output. */
  inputWhileQuiet: number;
  /** When it last produced, ISO time. */
  lastOutputAt: string;
}

/** When a sample was taken: on the wall clock, and the plant's clock (which may run faster, then slow to real time). */
export interface SampleTime {
  wallMs: number;
  plantMs: number;
}

interface StageState {
  out: number;
  outAt: SampleTime;
  inAtOut: number;
  in: number;
  /** The previous sample's time. */
  seenAt: SampleTime;
  /** Since the last output, the wall and plant time of the sample intervals in which input grew. */
  flowingWallMs: number;
  flowingPlantMs: number;
}

/**
 * Finds stages that stop producing while their input still flows: what a wrong clock does to a windowed
 * job (every later record late, no window ever closes), and what a report that only counts records misses.
 * A stage is stalled once its input has grown for longer than its quiet limit after its last output,
 * counting only the intervals in which it grew: a stage whose input stops too (the plant stopped, its last
 * window still open; Kafka down and restarting) is not. Fed with counters at each progress tick, so a test
 * gives it samples and no clock.
 */
export class StallDetector {
  private readonly states = new Map<string, StageState>();
  private readonly found = new Map<string, Stall>();

  /**
   * @param plantQuietLimitMs per windowed stage, how much plant time may pass without output while its
   *   input flows (its windows take size plus lateness of plant time to close, however fast the plant runs).
   * @param defaultQuietMs wall-clock time any stage may go without output while its input flows (a windowed
   *   one is stalled only once both are exceeded).
   */
  constructor(
    private readonly plantQuietLimitMs: Record<string, number>,
    private readonly defaultQuietMs: number,
  ) {}

  sample(atMs: SampleTime, flows: StageFlow[]): void {
    for (const flow of flows) {
      const state = this.states.get(flow.stage);
      if (!state) {
        // The first look is where the run starts: nothing is owed yet.
        this.states.set(flow.stage, { out: flow.out, outAt: atMs, inAtOut: flow.in, in: flow.in, seenAt: atMs, flowingWallMs: 0, flowingPlantMs: 0 });
        continue;
      }
      const previous = state.seenAt;
      state.seenAt = atMs;
      if (flow.out > state.out) {
        Object.assign(state, { out: flow.out, outAt: atMs, inAtOut: flow.in, in: flow.in, flowingWallMs: 0, flowingPlantMs: 0 });
        continue;
      }
      if (flow.in <= state.in) continue;
      state.in = flow.in;
      state.flowingWallMs += atMs.wallMs - previous.wallMs;
      state.flowingPlantMs += atMs.plantMs - previous.plantMs;
      // Every stage gets the wall-clock allowance (processing takes wall time); a windowed one also its plant time.
      const plantLimit = this.plantQuietLimitMs[flow.stage];
      if (state.flowingWallMs < this.defaultQuietMs || (plantLimit !== undefined && state.flowingPlantMs < plantLimit)) continue;
      const earlier = this.found.get(flow.stage);
      const quietSeconds = Math.round(state.flowingWallMs / 1000);
      if (earlier && earlier.quietSeconds >= quietSeconds) continue;
      this.found.set(flow.stage, { stage: flow.stage, quietSeconds, inputWhileQuiet: state.in - state.inAtOut, lastOutputAt: new Date(state.outAt.wallMs).toISOString() });
    }
  }

  stalls(): Stall[] {
    return [...this.found.values()];
  }
}
