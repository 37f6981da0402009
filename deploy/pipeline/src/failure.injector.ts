import { type FailureEpisode, MODE_CLASSES, PROCESS_MODES, type SimulatorHandle } from '@fieldmesh/simulator';

/**
 * Injects one process failure (bearing wear, overheating, leak, cavitation; sensor faults are the cleaning
 * stage's business) every `everySeconds` on assets in turn, so a run of any length has ground truth to
 * score the anomaly operator against.
 */
export class FailureInjector {
  private timer?: NodeJS.Timeout;
  private turn = 0;
  readonly injected: FailureEpisode[] = [];

  constructor(
    private readonly simulator: SimulatorHandle,
    private readonly options: { everySeconds: number; durationSeconds: number; firstAfterSeconds: number },
  ) {}

  start(): void {
    this.timer = setTimeout(() => {
      this.injectNext();
      this.timer = setInterval(() => this.injectNext(), this.options.everySeconds * 1000);
    }, this.options.firstAfterSeconds * 1000);
  }

  /** Modes in turn, each on another asset of a class that can have it, so a short run sees every mode and no asset has two at once. */
  private injectNext(): void {
    const assets = this.simulator.plant.assets;
    const mode = PROCESS_MODES[this.turn % PROCESS_MODES.length]!;
    const candidates = assets.filter((asset) => MODE_CLASSES[mode].includes(asset.assetClass));
    const asset = candidates[this.turn % candidates.length];
    this.turn += 1;
    if (asset) this.injected.push(this.simulator.injectFailure({ asset: asset.path, mode, durationSeconds: this.options.durationSeconds }));
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }
}
