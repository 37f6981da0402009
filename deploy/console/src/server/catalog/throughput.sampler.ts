import type { KafkaPort } from '@fieldmesh/kafka';
import type { ThroughputView } from '../../api/types';

interface Sample {
  atMs: number;
  /** Sum of the partitions' end offsets: records ever written. */
  records: number;
}

/** msgs/s between two samples of a topic's end offsets (null until there are two, or if they went back). */
export function rate(previous: Sample | undefined, latest: Sample | undefined): number | null {
  if (!previous || !latest || latest.atMs <= previous.atMs || latest.records < previous.records) return null;
  return ((latest.records - previous.records) * 1000) / (latest.atMs - previous.atMs);
}

/**
 * Throughput of the product topics, from their end offsets sampled every `intervalMs`: reading no records,
 * it costs one metadata request per topic and interval however busy the topic is.
 */
export class ThroughputSampler {
  private readonly samples = new Map<string, { previous?: Sample; latest?: Sample }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topics: () => string[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.sample().catch(() => undefined); // a missed sample only delays the rate
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of this.topics().filter((t) => existing.has(t))) {
        const offsets = await admin.fetchTopicEndOffsets(topic);
        const sample = { atMs: Date.now(), records: offsets.reduce((sum, p) => sum + Number(p.offset), 0) };
        const known = this.samples.get(topic);
        this.samples.set(topic, { ...(known?.latest ? { previous: known.latest } : {}), latest: sample });
      }
    } finally {
      await admin.disconnect();
    }
  }

  of(topic: string): ThroughputView {
    const known = this.samples.get(topic);
    const windowSeconds = known?.previous && known.latest ? (known.latest.atMs - known.previous.atMs) / 1000 : this.intervalMs / 1000;
    return {
      messagesPerSecond: rate(known?.previous, known?.latest),
      windowSeconds,
      records: known?.latest?.records ?? null,
      measuredAt: new Date(known?.latest?.atMs ?? Date.now()).toISOString(),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
