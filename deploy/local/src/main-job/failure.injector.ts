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

  private injectNext(): void {
    const pairs = PROCESS_MODES.flatMap((mode) => this.simulator.plant.assets.filter((asset) => MODE_CLASSES[mode].includes(asset.assetClass)).map((asset) => ({ asset, mode })));
    const pair = pairs[this.turn++ % pairs.length];
    if (pair) this.injected.push(this.simulator.injectFailure({ asset: pair.asset.path, mode: pair.mode, durationSeconds: this.options.durationSeconds }));
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }
}
