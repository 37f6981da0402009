import { type FailureEpisode, MODE_CLASSES, PROCESS_MODES, type SimulatorHandle } from '@fieldmesh/simulator';

/** When process failures start and how long they last, all in plant (simulated) seconds. */
export interface FailureSchedule {
  /** From the plant's start to the first onset. */
  firstAfterPlantSeconds: number;
  /** Between one onset and the next: shorter than an episode, so several run at once on different assets. */
  everyPlantSeconds: number;
  /** Each episode's length. */
  durationSeconds: number;
  /**
   * How long an asset stays healthy after an episode before it may get another: its physics settles (a hot
   * bearing cools) and its alert closes itself, so the next episode is judged on its own.
   */
  restPlantSeconds: number;
}

/** How often the injector looks at the plant's clock (wall clock): 2.5 plant seconds at 10×. */
const POLL_MS = 250;

/**
 * Injects one process failure (bearing wear, overheating, leak, cavitation; sensor faults are the cleaning
 * stage's business) every `everyPlantSeconds` of plant time, so a run of any length has ground truth to
 * score the anomaly operator against, and the episodes a run finishes depend on the plant time it covers,
 * not on how fast the plant ran (a plant near its lead runs at real time).
 */
export class FailureInjector {
  private timer?: NodeJS.Timeout;
  private turn = 0;
  private nextOnsetMs?: number;
  readonly injected: FailureEpisode[] = [];

  constructor(
    private readonly simulator: SimulatorHandle,
    private readonly schedule: FailureSchedule,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.injectDue(), POLL_MS);
  }

  /** Every onset the plant's clock has reached since the last look. */
  private injectDue(): void {
    const nowMs = this.simulator.stats().plantTimeMs;
    if (nowMs === undefined) return;
    this.nextOnsetMs ??= (this.simulator.config.startTimeMs ?? nowMs) + this.schedule.firstAfterPlantSeconds * 1000;
    while (nowMs >= this.nextOnsetMs) {
      this.injectNext(nowMs);
      this.nextOnsetMs += this.schedule.everyPlantSeconds * 1000;
    }
  }

  /**
   * Modes in turn, each on an asset of a class that can have it that is neither failing nor resting, so a
   * short run sees every mode and no asset has two at once. Of those, the asset whose class can have the
   * fewest process modes goes first (bearing wear on a motor before a pump), so the few assets that can have
   * the rare modes (a leak, cavitation) are free when their turn comes; then the next in turn. A turn whose
   * mode finds no free asset is skipped.
   */
  private injectNext(nowMs: number): void {
    const mode = PROCESS_MODES[this.turn % PROCESS_MODES.length]!;
    const candidates = this.simulator.plant.assets.filter((asset) => MODE_CLASSES[mode].includes(asset.assetClass));
    const from = this.turn % Math.max(1, candidates.length);
    this.turn += 1;
    const restMs = this.schedule.restPlantSeconds * 1000;
    const free = [...candidates.slice(from), ...candidates.slice(0, from)].filter((candidate) =>
      this.injected.every((episode) => episode.assetPath !== candidate.path || episode.endMs + restMs <= nowMs),
    );
    const versatility = (assetClass: string) => PROCESS_MODES.filter((processMode) => MODE_CLASSES[processMode].includes(assetClass as never)).length;
    // A stable sort keeps the turn's order among assets equally versatile.
    const asset = free.sort((a, b) => versatility(a.assetClass) - versatility(b.assetClass))[0];
    if (asset) this.injected.push(this.simulator.injectFailure({ asset: asset.path, mode, durationSeconds: this.schedule.durationSeconds }));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
