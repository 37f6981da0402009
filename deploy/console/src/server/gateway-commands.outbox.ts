import { GATEWAY_COMMANDS_TOPIC, type GatewayCommand } from '@fieldmesh/connect';
import type { KafkaPort, KafkaProducerPort } from '@fieldmesh/kafka';

/**
 * Where the console's operators' commands leave for the gateways: `_fieldmesh.gateway-commands`, keyed by
 * gateway id, one JSON command a record with the operator's name (the topic is the audit trail). The alarm
 * board (acknowledgements) and the fleet board (diagnostics) each send through one.
 */
export class GatewayCommandsOutbox {
  private producer: KafkaProducerPort | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topic = GATEWAY_COMMANDS_TOPIC,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer();
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** Sends the command to its gateway; resolves once Kafka holds it (the audit trail of who asked what, when). */
  async send(command: GatewayCommand): Promise<void> {
    if (!this.producer) throw new Error('GatewayCommandsOutbox.start() must run before send()');
    await this.producer.send([{ topic: this.topic, key: command.gatewayId, value: Buffer.from(JSON.stringify(command)) }]);
  }
}
