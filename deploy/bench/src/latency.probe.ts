import { randomUUID } from 'node:crypto';
import { createKafka, type KafkaConsumerPort, type KafkaSecurity } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';

/** Where one reading spent its time, in milliseconds (one machine, one clock). */
export interface ReadingTimes {
  /** The reading's source timestamp (epoch ms). */
  sourceTime: number;
  /** Source timestamp → gateway received it (MQTT broker, connector batching). */
  toGateway: number;
  /** Gateway received → Kafka record timestamp (enrich, encode, fsync'd buffer, forwarder). */
  toKafka: number;
  /** Kafka record timestamp → a consumer holds the record (produce, replication, fetch). */
  toConsumer: number;
  /** Source timestamp → a consumer holds the record. */
  total: number;
}

interface RawTimes {
  readingTime: Date;
  receivedTime: Date;
  gatewayId: string;
}

/**
 * A consumer in the bench process that records, for each record of one gateway, when it became
 * readable, against the reading's source timestamp. Starts at the topic's end, so earlier runs' records
 * are not read.
 */
export class LatencyProbe {
  readonly samples: ReadingTimes[] = [];

  private constructor(private readonly consumer: KafkaConsumerPort) {}

  /** Reads through `kafka` (the run's listener and security: the consumer's side of the path is measured too). */
  static async start(kafka: { brokers: string; security: KafkaSecurity }, registryUrl: string, topic: string, gatewayId: string): Promise<LatencyProbe> {
    const serde = new AvroSerde({ registryUrl, clientId: 'bench-latency-probe' });
    const consumer = createKafka({ clientId: 'bench-latency-probe', brokers: [kafka.brokers], security: kafka.security }).consumer({
      groupId: `bench-latency-${randomUUID()}`,
      topics: [topic],
      fromBeginning: false,
      maxWaitMs: 10,
    });
    const probe = new LatencyProbe(consumer);
    await consumer.connect();
    await consumer.run(async ({ records }) => {
      const readable = Date.now();
      for (const record of records) {
        if (!record.value) continue;
        const { value } = await serde.decode<RawTimes>(record.value, { topic });
        if (value.gatewayId !== gatewayId) continue;
        const source = value.readingTime.getTime();
        const received = value.receivedTime.getTime();
        probe.samples.push({
          sourceTime: source,
          toGateway: received - source,
          toKafka: record.timestamp - received,
          toConsumer: readable - record.timestamp,
          total: readable - source,
        });
      }
    });
    return probe;
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
