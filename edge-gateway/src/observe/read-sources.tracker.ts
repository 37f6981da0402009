/** A concrete source one connector delivered readings from: an MQTT topic or an OPC UA node id. */
export interface ReadSource {
  connector: string;
  address: string;
}

export interface ReadSourcesSnapshot {
  /** In the order they first appeared. */
  sources: ReadSource[];
  /** Sources seen beyond the cap: counted, not listed. Exact up to `unlistedCountLimit`, a lower bound after. */
  unlistedSources: number;
  unlistedSourcesAtLeast: boolean;
  /** Readings whose source is not listed because the cap was reached. */
  unlistedReadings: number;
}

/**
 * The MQTT topics (not the filters subscribed to) and OPC UA node ids (not the browse root) that each
 * connector has actually delivered readings from. A plant can have tens of thousands, and every lineage
 * event carries them all, so the list stops at `maxSources`; what comes after is counted (distinct sources
 * exactly up to a second bound, readings always), so the lineage says how much it leaves out.
 */
export class ReadSourcesTracker {
  private readonly listed = new Map<string, ReadSource>();
  private readonly unlisted = new Set<string>();
  private unlistedBeyondLimit = false;
  private unlistedReadings = 0;
  private changes = 0;

  constructor(
    readonly maxSources: number,
    /** How many unlisted sources are remembered to count them exactly (memory stays bounded past it). */
    private readonly unlistedCountLimit = maxSources * 4,
  ) {}

  /** Sources added to the list so far: a reporter compares it with what it last reported. */
  get version(): number {
    return this.changes;
  }

  get full(): boolean {
    return this.listed.size >= this.maxSources;
  }

  /** Records where a batch's readings came from; true when the list gained a source. */
  observe(connector: string, addresses: Iterable<string>): boolean {
    const before = this.changes;
    for (const address of addresses) {
      const key = `${connector}\u0000${address}`;
      if (this.listed.has(key)) continue;
      if (!this.full) {
        this.listed.set(key, { connector, address });
        this.changes += 1;
        continue;
      }
      this.unlistedReadings += 1;
      if (this.unlisted.has(key)) continue;
      if (this.unlisted.size < this.unlistedCountLimit) this.unlisted.add(key);
      else this.unlistedBeyondLimit = true;
    }
    return this.changes > before;
  }

  snapshot(): ReadSourcesSnapshot {
    return {
      sources: [...this.listed.values()],
      unlistedSources: this.unlisted.size,
      unlistedSourcesAtLeast: this.unlistedBeyondLimit,
      unlistedReadings: this.unlistedReadings,
    };
  }
}

/** The source addresses of a batch without consecutive repeats: a batch is often many readings of few topics or nodes. */
export function* sourceAddresses(readings: ReadonlyArray<{ sourceAddress: string }>): Generator<string> {
  let previous: string | undefined;
  for (const reading of readings) {
    if (reading.sourceAddress !== previous) yield reading.sourceAddress;
    previous = reading.sourceAddress;
  }
}
