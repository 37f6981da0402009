import { parseWith } from '@fieldmesh/config';
import { type GatewayAnswer, type GatewayCommand, gatewayCommandSchema, GATEWAY_COMMANDS_TOPIC_LAYOUT, type Source } from '@fieldmesh/connect';
import { type ConsumedRecord, DEFAULT_REPLICATION_FACTOR, type KafkaConsumerPort, type KafkaPort } from '@fieldmesh/kafka';
import { Counter, type Registry } from 'prom-client';
import { backoffMs, sleep } from '../runtime/backoff';
import { answerDiagnostic, type CommandOutcome, type GatewayDiagnostics } from './diagnostics.handler';
import type { ReplyPublisher } from './reply.publisher';

export interface GatewayCommandsOptions {
  gatewayId: string;
  topic: string;
  /** A command older than this is not carried out: the operator decided on a situation that has moved on. */
  maxAgeMs: number;
  /** The live source of a connector instance, as the runtime last created it. */
  sourceOf: (connector: string) => Source | undefined;
  diagnostics: GatewayDiagnostics;
  /** Where each command's answer goes (the replies topic). */
  replies: Pick<ReplyPublisher, 'send'>;
  registry: Registry;
  say: (line: string) => void;
  clock?: () => number;
}

/**
 * Carries out the operators' commands addressed to this gateway and answers each on the replies topic,
 * naming the command and the operator: a condition acknowledgement reaches the connector that read the
 * condition (the source's Acknowledge method, with the comment); a diagnostic is answered from the running
 * gateway. Who may send what is decided at the console (role-checked) and by Kafka (the console alone may
 * write the commands topic), so a record on the topic is authenticated by the broker. Nothing is retried:
 * a command is a person's decision on one situation; a refusal is answered with its reason, logged and counted.
 */
export class GatewayCommands {
  private readonly outcomes: Counter<'command' | 'outcome'>;
  private consumer: KafkaConsumerPort | undefined;
  private readonly stop = new AbortController();

  constructor(private readonly options: GatewayCommandsOptions) {
    this.outcomes = new Counter({
      name: 'fieldmesh_gateway_commands_total',
      help: "Operators' commands addressed to this gateway, by outcome",
      labelNames: ['command', 'outcome'],
      registers: [options.registry],
    });
  }

  /**
   * Joins the gateway's own command group (from the topic's beginning: maxAgeMs keeps old commands from
   * acting), retrying with backoff while Kafka does not answer: a site without an uplink still reads its
   * machines, and commands start once it is back. Never rejects; each new reason is logged once.
   */
  async start(kafka: KafkaPort): Promise<void> {
    let lastReason: string | undefined;
    for (let attempt = 0; !this.stop.signal.aborted; attempt++) {
      try {
        await this.join(kafka);
        if (lastReason) this.options.say('operator commands available again');
        return;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        if (reason !== lastReason) this.options.say(`operator commands unavailable (${reason}); commands from the console wait in ${this.options.topic}; retrying`);
        lastReason = reason;
        await sleep(backoffMs(attempt, 500, 30_000), this.stop.signal);
      }
    }
  }

  private async join(kafka: KafkaPort): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics([{ topic: this.options.topic, ...GATEWAY_COMMANDS_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR }]);
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `fieldmesh-gateway-commands.${this.options.gatewayId}`, topics: [this.options.topic], fromBeginning: true, maxWaitMs: 200 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.run(async (batch) => {
      for (const record of batch.records) await this.handle(record);
    });
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.consumer?.disconnect();
  }

  /** Carries out one record of the commands topic if it is addressed to this gateway, and answers it. */
  async handle(record: ConsumedRecord): Promise<void> {
    if (record.key?.toString() !== this.options.gatewayId) return;
    let json: unknown;
    try {
      json = JSON.parse(record.value?.toString() ?? '');
    } catch {
      json = undefined;
    }
    const parsed = parseWith(gatewayCommandSchema, json);
    if (!parsed.ok) {
      const error = `command at ${record.topic}/${record.partition}@${record.offset} ignored: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      const named = (json ?? {}) as { commandId?: unknown; type?: unknown; requestedBy?: unknown };
      await this.finish(
        {
          commandId: typeof named.commandId === 'string' ? named.commandId : null,
          type: typeof named.type === 'string' ? named.type : 'unknown',
          requestedBy: typeof named.requestedBy === 'string' ? named.requestedBy : null,
        },
        { outcome: 'invalid', error },
      );
      return;
    }
    const command = parsed.value;
    await this.finish(command, await this.carryOut(command));
  }

  private async carryOut(command: GatewayCommand): Promise<CommandOutcome> {
    const ageMs = (this.options.clock ?? Date.now)() - Date.parse(command.requestedAt);
    if (ageMs > this.options.maxAgeMs) {
      return {
        outcome: 'expired',
        error: `${describe(command)} not carried out: requested ${Math.round(ageMs / 1000)} s ago, beyond commands.maxAgeMs; ask again from the console`,
      };
    }
    if (command.type !== 'acknowledge-condition') return answerDiagnostic(command, this.options.diagnostics);
    const source = this.options.sourceOf(command.connector);
    if (!source?.acknowledgeCondition) {
      return { outcome: 'unknown-connector', error: `${describe(command)} not carried out: this gateway has no connector ${command.connector} that acknowledges conditions` };
    }
    try {
      await source.acknowledgeCondition({ conditionId: command.conditionId, eventId: command.eventId, comment: `${command.comment} (${command.requestedBy})` });
      return { outcome: 'done', answer: { conditionId: command.conditionId } };
    } catch (error) {
      return { outcome: 'refused', error: `${describe(command)} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Counts, logs a failure, and answers on the replies topic (an answer that cannot be sent is logged: the command was carried out). */
  private async finish(command: Pick<GatewayAnswer, 'commandId' | 'type' | 'requestedBy'>, outcome: CommandOutcome): Promise<void> {
    this.outcomes.inc({ command: command.type, outcome: outcome.outcome });
    if (outcome.error) this.options.say(outcome.error);
    const answer: GatewayAnswer = {
      kind: 'answer',
      gatewayId: this.options.gatewayId,
      commandId: command.commandId,
      type: command.type,
      requestedBy: command.requestedBy,
      answeredAt: new Date((this.options.clock ?? Date.now)()).toISOString(),
      ...outcome,
    };
    await this.options.replies
      .send(answer)
      .catch((error: unknown) => this.options.say(`answer to command ${command.commandId ?? '(unnamed)'} not sent: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function describe(command: GatewayCommand): string {
  return command.type === 'acknowledge-condition'
    ? `acknowledgement ${command.commandId} of ${command.conditionId} by ${command.requestedBy}`
    : `${command.type} ${command.commandId} by ${command.requestedBy}`;
}
