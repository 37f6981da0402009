import { GATEWAY_REPLIES_TOPIC_LAYOUT, type GatewayReply } from '@fieldmesh/connect';
import { DEFAULT_REPLICATION_FACTOR, type KafkaPort, type KafkaProducerPort } from '@fieldmesh/kafka';

/**
 * Sends the gateway's answers and heartbeats to the replies topic, keyed by gateway id (one gateway's
 * replies stay in order). Connects (and makes the topic on a development stack) on first use and again
 * after a failed send, so a gateway that starts without an uplink answers once Kafka is back.
 */
export class ReplyPublisher {
  private producer: Promise<KafkaProducerPort> | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topic: string,
    private readonly gatewayId: string,
  ) {}

  async send(reply: GatewayReply): Promise<void> {
    try {
      const producer = await (this.producer ??= this.connect());
      await producer.send([{ topic: this.topic, key: this.gatewayId, value: Buffer.from(JSON.stringify(reply)) }]);
    } catch (error) {
      const failed = this.producer;
      this.producer = undefined;
      await failed?.then((p) => p.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private async connect(): Promise<KafkaProducerPort> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics([{ topic: this.topic, ...GATEWAY_REPLIES_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR }]);
    } finally {
      await admin.disconnect();
    }
    const producer = this.kafka.producer();
    await producer.connect();
    return producer;
  }
}
