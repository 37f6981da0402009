import { type AlertAction, type AlertEvent, AlertService, type AlertView, nextActionsOf } from '@fieldmesh/domain-asset-health/alert-workflow';
import type { LoadedContract } from '@fieldmesh/governance';
import { awaitTopicsListed, topicSpecFor } from '@fieldmesh/governance';
import { type KafkaPort, type KafkaProducerPort, TopicFollower } from '@fieldmesh/kafka';
import type { AvroSerde, WriterSchema } from '@fieldmesh/serde';
import { Logger } from '@nestjs/common';
import type { AlertActionRequest } from '../../api/types';

/** A service holding just this alert's history, to try a step on without touching the board. */
function scratchFor(alert: AlertView): AlertService {
  const scratch = new AlertService();
  for (const event of alert.history) scratch.replay(event);
  return scratch;
}

/**
 * The alert board: the state of every alert, folded by the domain's AlertService from
 * `asset-health.alerts.v1` as it is written (by the anomaly operator and by this console). A person's step
 * is validated by the same service, produced to the topic, and only then folded in, so the board never
 * shows a step Kafka does not have.
 */
export class AlertBoard {
  private readonly service = new AlertService();
  private readonly follower: TopicFollower;
  private producer: KafkaProducerPort | undefined;
  private writer: Promise<WriterSchema> | undefined;
  private undecodable = 0;
  private readonly logger = new Logger('AlertBoard');
  private pending: Promise<void> = Promise.resolve();
  /** The alerts contract's domain: operators act on alerts for it. */
  readonly domain: string;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly serde: AvroSerde,
    private readonly contract: LoadedContract,
    readonly topic: string,
  ) {
    this.domain = contract.contract.domain;
    this.follower = new TopicFollower(
      kafka,
      {
        topic,
        groupPrefix: 'fieldmesh-console-alerts',
        ensureTopic: async (admin, name) => {
          await admin.createTopics([{ ...topicSpecFor(contract.contract), topic: name }]);
          await awaitTopicsListed(admin, [name]);
        },
      },
      (record) => {
        if (!record.value) return;
        // Decoding is async (schema by id, cached); order within the topic's partition is kept by chaining.
        this.pending = this.pending.then(async () => {
          try {
            this.service.replay((await this.serde.decode<AlertEvent>(record.value!, { topic })).value);
          } catch (error) {
            this.undecodable += 1;
            this.logger.warn(`Skipped record ${record.partition}/${record.offset} of ${topic}: not an alert event (${error instanceof Error ? error.message : String(error)})`);
          }
        });
      },
    );
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer();
    await this.producer.connect();
    await this.follower.start();
  }

  /** Resolves once every alert event that existed at start is on the board. */
  async caughtUp(): Promise<void> {
    await this.follower.caughtUp;
    await this.pending;
  }

  /** Alerts on the board, those not closed, and records of the topic that were not alert events. */
  stats(): { alerts: number; openAlerts: number; undecodable: number } {
    const alerts = this.service.list();
    return { alerts: alerts.length, openAlerts: alerts.filter((a) => a.status !== 'CLOSED').length, undecodable: this.undecodable };
  }

  list(): AlertView[] {
    return this.service.list();
  }

  get(alertId: string): AlertView {
    return this.service.get(alertId);
  }

  /** The steps the workflow allows next, found by trying each on a scratch copy of the alert's history. */
  nextActions(alert: AlertView): AlertAction[] {
    return [...nextActionsOf(alert.status)];
  }

  /** Validates the step (AlertTransitionInvalid otherwise), produces its event and folds it in. */
  async act(alertId: string, request: AlertActionRequest, by: string): Promise<AlertEvent> {
    const alert = this.service.get(alertId);
    const event = scratchFor(alert).apply({
      alertId,
      action: request.action,
      by,
      ...(request.note === undefined ? {} : { note: request.note }),
      ...(request.diagnosis === undefined ? {} : { diagnosis: request.diagnosis }),
      ...(request.workOrderId === undefined ? {} : { workOrderId: request.workOrderId }),
    });
    // Looked up at the first step, not at start: a fresh plant may have no alert (nor its subject) yet.
    this.writer ??= this.serde.writerFor(this.topic, this.contract.avroSchema).catch((error: unknown) => {
      this.writer = undefined;
      throw error;
    });
    const writer = await this.writer;
    await this.producer!.send([{ topic: this.topic, key: event.assetPath, value: this.serde.encode(writer, event), timestamp: event.at.getTime() }]);
    this.service.foldPending(event); // pending until the follower reads it back, so a step written before it still comes first
    return event;
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    await this.producer?.disconnect();
  }
}
