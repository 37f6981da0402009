import {
  type DiagnosticCommand,
  FLEET_ROLLOUTS_TOPIC,
  FLEET_ROLLOUTS_TOPIC_LAYOUT,
  type FleetRolloutEvent,
  GATEWAY_COMMANDS_TOPIC,
  GATEWAY_REPLIES_TOPIC,
  GATEWAY_REPLIES_TOPIC_LAYOUT,
  type GatewayAnswer,
  type GatewayHeartbeat,
} from '@fieldmesh/connect';
import { awaitTopicsListed } from '@fieldmesh/governance';
import { DEFAULT_REPLICATION_FACTOR, type KafkaAdminPort, type KafkaPort, TopicFollower } from '@fieldmesh/kafka';
import { Logger } from '@nestjs/common';
import type { RolloutView } from '../../api/fleet.types';
import { GatewayCommandsOutbox } from '../gateway-commands.outbox';

/** Answers kept per gateway: the fleet page shows the latest; the topic keeps them all (the audit trail). */
const ANSWERS_PER_GATEWAY = 50;

/**
 * The fleet as the gateways report it: each gateway's last heartbeat and its latest answers, read from the
 * replies topic; commands go to the commands topic, keyed by gateway id, with the operator's name. The
 * rollouts of desired states (`fieldmesh fleet rollout`) are read from their audit topic.
 */
export class FleetBoard {
  private readonly follower: TopicFollower;
  private readonly rolloutFollower: TopicFollower;
  private readonly rolloutSteps = new Map<string, RolloutView>();
  private readonly heartbeats = new Map<string, GatewayHeartbeat>();
  private readonly answers = new Map<string, GatewayAnswer[]>();
  private readonly answered = new Map<string, GatewayAnswer>();
  private readonly outbox: GatewayCommandsOutbox;
  private readonly logger = new Logger('FleetBoard');

  constructor(
    kafka: KafkaPort,
    readonly topic = GATEWAY_REPLIES_TOPIC,
    commandsTopic = GATEWAY_COMMANDS_TOPIC,
    readonly rolloutsTopic = FLEET_ROLLOUTS_TOPIC,
  ) {
    this.outbox = new GatewayCommandsOutbox(kafka, commandsTopic);
    this.follower = new TopicFollower(
      kafka,
      {
        topic,
        groupPrefix: 'fieldmesh-console-fleet',
        ensureTopic: async (admin, name) => {
          await admin.createTopics([{ topic: name, ...GATEWAY_REPLIES_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR }]);
          await awaitTopicsListed(admin, [name]);
        },
      },
      (record) => {
        const reply = record.value ? parseReply(record.value.toString('utf8')) : undefined;
        if (!reply) {
          this.logger.warn(`Skipped record ${record.partition}/${record.offset} of ${topic}: not a gateway heartbeat or answer`);
          return;
        }
        if (reply.kind === 'heartbeat') this.heartbeats.set(reply.gatewayId, reply);
        else this.fold(reply);
      },
    );
    // Made here when missing, as the replies topic is: the console may start before the first rollout.
    const ensureRollouts = async (admin: KafkaAdminPort, name: string) => {
      await admin.createTopics([{ topic: name, ...FLEET_ROLLOUTS_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR }]);
      await awaitTopicsListed(admin, [name]);
    };
    this.rolloutFollower = new TopicFollower(kafka, { topic: rolloutsTopic, groupPrefix: 'fieldmesh-console-rollouts', ensureTopic: ensureRollouts }, (record) => {
      const event = record.value ? parseRolloutEvent(record.value.toString('utf8')) : undefined;
      if (event) this.foldStep(event);
      else this.logger.warn(`Skipped record ${record.partition}/${record.offset} of ${rolloutsTopic}: not a rollout step`);
    });
  }

  async start(): Promise<void> {
    await this.outbox.start();
    await this.follower.start();
    await this.rolloutFollower.start();
  }

  get caughtUp(): Promise<void> {
    return Promise.all([this.follower.caughtUp, this.rolloutFollower.caughtUp]).then(() => undefined);
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    await this.rolloutFollower.stop();
    await this.outbox.stop();
  }

  /** Every rollout, newest first. */
  rollouts(): RolloutView[] {
    return [...this.rolloutSteps.values()].reverse();
  }

  gateways(): GatewayHeartbeat[] {
    return [...this.heartbeats.values()];
  }

  heartbeat(gatewayId: string): GatewayHeartbeat | undefined {
    return this.heartbeats.get(gatewayId);
  }

  /** The gateway's latest answers, newest first. */
  answersOf(gatewayId: string): GatewayAnswer[] {
    return [...(this.answers.get(gatewayId) ?? [])].reverse();
  }

  answerTo(commandId: string): GatewayAnswer | undefined {
    return this.answered.get(commandId);
  }

  /** Sends the command to its gateway; resolves once Kafka holds it (the audit trail of who asked what, when). */
  send(command: DiagnosticCommand): Promise<void> {
    return this.outbox.send(command);
  }

  private foldStep({ previous: _previous, ...step }: FleetRolloutEvent): void {
    const rollout = this.rolloutSteps.get(step.rolloutId) ?? { rolloutId: step.rolloutId, by: step.by, startedAt: step.at, status: 'running' as const, steps: [] };
    rollout.steps.push(step);
    if (step.step === 'completed' || step.step === 'stopped') rollout.status = step.step;
    this.rolloutSteps.set(step.rolloutId, rollout);
  }

  private fold(answer: GatewayAnswer): void {
    const list = this.answers.get(answer.gatewayId) ?? [];
    list.push(answer);
    const forgotten = list.length > ANSWERS_PER_GATEWAY ? list.shift() : undefined;
    if (forgotten?.commandId) this.answered.delete(forgotten.commandId);
    this.answers.set(answer.gatewayId, list);
    if (answer.commandId) this.answered.set(answer.commandId, answer);
  }
}

function parseReply(text: string): GatewayHeartbeat | GatewayAnswer | undefined {
  try {
    const value = JSON.parse(text) as Partial<GatewayHeartbeat | GatewayAnswer> | null;
    if (typeof value?.gatewayId !== 'string') return undefined;
    if (value.kind === 'heartbeat' && typeof value.sentAt === 'string') return value as GatewayHeartbeat;
    if (value.kind === 'answer' && typeof value.outcome === 'string') return value as GatewayAnswer;
    return undefined;
  } catch {
    return undefined;
  }
}

function parseRolloutEvent(text: string): FleetRolloutEvent | undefined {
  try {
    const value = JSON.parse(text) as Partial<FleetRolloutEvent> | null;
    return typeof value?.rolloutId === 'string' && typeof value.step === 'string' && typeof value.at === 'string' ? (value as FleetRolloutEvent) : undefined;
  } catch {
    return undefined;
  }
}
