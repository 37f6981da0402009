import { type AcknowledgeConditionCommand, GATEWAY_COMMANDS_TOPIC, type PlantEventRecord } from '@fieldmesh/connect';
import { awaitTopicsListed, type LoadedContract, topicSpecFor } from '@fieldmesh/governance';
import { type KafkaPort, TopicFollower } from '@fieldmesh/kafka';
import type { AvroSerde } from '@fieldmesh/serde';
import { Logger } from '@nestjs/common';
import type { ConditionView } from '../../api/plant-events.types';
import { GatewayCommandsOutbox } from '../gateway-commands.outbox';

/**
 * The plant's alarm conditions, each as its latest event in the events product (an alarm raised, acked,
 * cleared: every change is an event of its condition). Acknowledging sends a command to the gateway that
 * read the condition; the board changes only when the condition's next event arrives from the plant, so it
 * never shows an acknowledgement the server did not take.
 */
export class ConditionBoard {
  private readonly follower: TopicFollower;
  private readonly conditions = new Map<string, ConditionView>();
  private readonly outbox: GatewayCommandsOutbox;
  private pending: Promise<void> = Promise.resolve();
  private readonly logger = new Logger('ConditionBoard');
  /** The events contract's domain: operators act on its conditions. */
  readonly domain: string;

  constructor(
    kafka: KafkaPort,
    private readonly serde: AvroSerde,
    contract: LoadedContract,
    readonly topic: string,
    commandsTopic = GATEWAY_COMMANDS_TOPIC,
  ) {
    this.outbox = new GatewayCommandsOutbox(kafka, commandsTopic);
    this.domain = contract.contract.domain;
    this.follower = new TopicFollower(
      kafka,
      {
        topic,
        groupPrefix: 'fieldmesh-console-plant-events',
        ensureTopic: async (admin, name) => {
          await admin.createTopics([{ ...topicSpecFor(contract.contract), topic: name }]);
          await awaitTopicsListed(admin, [name]);
        },
      },
      (record) => {
        if (!record.value) return;
        this.pending = this.pending.then(async () => {
          try {
            this.fold((await this.serde.decode<PlantEventRecord>(record.value!, { topic })).value);
          } catch (error) {
            this.logger.warn(`Skipped record ${record.partition}/${record.offset} of ${topic}: not a plant event (${error instanceof Error ? error.message : String(error)})`);
          }
        });
      },
    );
  }

  async start(): Promise<void> {
    await this.outbox.start();
    await this.follower.start();
  }

  async caughtUp(): Promise<void> {
    await this.follower.caughtUp;
    await this.pending;
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    await this.outbox.stop();
  }

  /** Conditions, most severe first, then newest. */
  list(): ConditionView[] {
    return [...this.conditions.values()].sort((a, b) => b.severity - a.severity || b.eventTime.localeCompare(a.eventTime));
  }

  get(conditionId: string): ConditionView | undefined {
    return this.conditions.get(conditionId);
  }

  /** Sends the acknowledgement to the condition's gateway; resolves once Kafka holds it (the audit trail of who asked, when). */
  send(command: AcknowledgeConditionCommand): Promise<void> {
    return this.outbox.send(command);
  }

  private fold(event: PlantEventRecord): void {
    if (!event.conditionId) return;
    const eventTime = new Date(event.eventTime).toISOString();
    const known = this.conditions.get(event.conditionId);
    // Partitions are keyed by source node: one condition's events arrive in order, but a replayed duplicate may not be the latest.
    if (known && known.eventTime > eventTime) return;
    this.conditions.set(event.conditionId, {
      conditionId: event.conditionId,
      conditionName: event.conditionName,
      assetPath: event.assetPath,
      signal: event.signal,
      sourceName: event.sourceName,
      severity: event.severity,
      message: event.message,
      active: event.active,
      acked: event.acked,
      comment: event.comment,
      eventTime,
      eventId: event.eventId,
      gatewayId: event.gatewayId,
      connector: event.connector,
    });
  }
}
