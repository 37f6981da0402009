import type { RssSample } from './memory.slope';
import { ProcessTable } from './process-tree.rss';

/** A process to watch: a name that outlives restarts, and its current pid (undefined while it is down). */
export interface WatchedProcess {
  name: string;
  pid: number | undefined;
}

/**
 * Samples the resident memory of named process trees at a fixed interval. The pids are asked for at each
 * sample, so a service killed and started again is followed under its name, each life with its own pid.
 */
export class RssRecorder {
  private readonly series = new Map<string, RssSample[]>();
  private timer?: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(private readonly watched: () => WatchedProcess[]) {}

  start(everyMs: number): void {
    const tick = () => {
      // One sample at a time: a slow /proc read delays the next sample instead of overlapping it.
      this.sampling = this.sampling.then(() => this.sample());
    };
    tick();
    this.timer = setInterval(tick, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  /** Every name seen, with its samples in time order. */
  samples(): ReadonlyMap<string, readonly RssSample[]> {
    return this.series;
  }

  private async sample(): Promise<void> {
    const atMs = Date.now();
    const table = await ProcessTable.snapshot();
    for (const { name, pid } of this.watched()) {
      if (!this.series.has(name)) this.series.set(name, []);
      if (pid === undefined) continue;
      const bytes = await table.treeRssBytes(pid);
      if (bytes !== undefined) this.series.get(name)!.push({ atMs, pid, bytes });
    }
  }
}
