import type { LineageRun, LineageRunUpdate } from '@fieldmesh/lineage';
import type { ReadSourcesTracker } from './read-sources.tracker';

export interface LineageReporterOptions {
  /** At most one RUNNING event per interval. */
  reportIntervalMs: number;
  /** New sources come in bursts (a subscription's first values): wait this long so one event carries the burst. Default 1 s. */
  settleMs?: number;
  /** The job as it stands: called for each event. */
  describe: () => LineageRunUpdate;
  log: (line: string) => void;
}

/**
 * Reports the gateway's run: START, a RUNNING event when it has read from sources it had not reported (a
 * second after the first appear, then at most once per interval; a connector's first sources, e.g. the OPC UA
 * nodes of a server that came up after the MQTT topics, go a second after they appear too, so someone opening
 * the lineage sees every connector soon), COMPLETE when it stops. Lineage is reported,
 * not required: an event that cannot be delivered is logged (once per reason) and the next one carries
 * everything, since every event describes the whole job.
 */
export class LineageReporter {
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = 0;
  /** Connectors that have brought sources: a connector's first ones are reported without waiting for the interval. */
  private readonly connectorsSeen = new Set<string>();
  private reported = 0;
  private lastSentAt = 0;
  private sending: Promise<void> = Promise.resolve();
  private lastFailure: string | undefined;
  private closed = false;
  private warnedFull = false;

  constructor(
    private readonly run: LineageRun,
    private readonly sources: ReadSourcesTracker,
    private readonly options: LineageReporterOptions,
  ) {}

  start(): void {
    this.reported = this.sources.version;
    this.send(() => this.run.start());
  }

  /** Notes the sources of a batch; schedules a RUNNING event when one is new. Cheap when none is. */
  observe(connector: string, addresses: Iterable<string>): void {
    if (this.sources.observe(connector, addresses)) {
      const firstOfConnector = !this.connectorsSeen.has(connector);
      this.connectorsSeen.add(connector);
      this.schedule(firstOfConnector);
    }
    if (this.sources.full && !this.warnedFull) {
      this.warnedFull = true;
      this.options.log(
        `lineage lists ${this.sources.maxSources} MQTT topics and OPC UA nodes, its cap: readings from further sources are counted (run facet fieldmesh_readSources), not listed; raise lineage.maxSources to list more`,
      );
    }
  }

  /** Sends COMPLETE with every source read; waits for an event in flight first. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    this.run.update(this.options.describe());
    await this.run.complete().catch((error: unknown) => this.failed(error));
  }

  private schedule(soon = false): void {
    if (this.closed) return;
    const settle = this.options.settleMs ?? 1000;
    const delay = soon ? settle : Math.max(settle, this.lastSentAt + this.options.reportIntervalMs - Date.now());
    if (this.timer) {
      if (this.timerDueAt <= Date.now() + delay) return;
      clearTimeout(this.timer);
    }
    this.timerDueAt = Date.now() + delay;
    this.timer = setTimeout(() => this.flush(), delay);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.sources.version === this.reported) return;
    const version = this.sources.version;
    this.lastSentAt = Date.now();
    this.send(async () => {
      try {
        await this.run.running(this.options.describe());
        this.reported = version;
      } finally {
        // Sources that came (or failed to go) while this event was in flight go with the next one.
        if (this.sources.version !== this.reported) this.schedule();
      }
    });
  }

  private send(emit: () => Promise<unknown>): void {
    this.sending = this.sending.then(emit).then(
      () => {
        this.lastFailure = undefined;
      },
      (error: unknown) => this.failed(error),
    );
  }

  private failed(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason !== this.lastFailure) this.options.log(`lineage event not delivered (${reason}); the next event carries every source`);
    this.lastFailure = reason;
  }
}
