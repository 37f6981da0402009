import type { KafkaProducerPort, OutgoingRecord, RecordMetadata } from './ports';

interface PendingSend {
  records: OutgoingRecord[];
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Kafka's linger.ms for the port: send() calls made within `lingerMs` of each other go out as one request,
 * which is what neither client library does on its own. Each caller's promise settles with that request:
 * its metadata lists the partitions of the caller's topics that the shared request wrote.
 */
export class LingeringProducer implements KafkaProducerPort {
  private pending: PendingSend[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: KafkaProducerPort,
    private readonly lingerMs: number,
  ) {}

  connect(): Promise<void> {
    return this.inner.connect();
  }

  send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const sends = this.pending;
    this.pending = [];
    if (sends.length === 0) return;
    try {
      const metadata = await this.inner.send(sends.flatMap((s) => s.records));
      for (const s of sends) {
        const topics = new Set(s.records.map((r) => r.topic));
        s.resolve(metadata.filter((m) => topics.has(m.topic)));
      }
    } catch (error) {
      for (const s of sends) s.reject(error);
    }
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.inner.disconnect();
  }
}
