import { parseWith } from '@fieldmesh/config';
import { type AcknowledgeConditionCommand, acknowledgeConditionCommandSchema, GATEWAY_COMMANDS_TOPIC_LAYOUT, type Source } from '@fieldmesh/connect';
import { type ConsumedRecord, DEFAULT_REPLICATION_FACTOR, type KafkaConsumerPort, type KafkaPort } from '@fieldmesh/kafka';
import { Counter, type Registry } from 'prom-client';
import { backoffMs, sleep } from '../runtime/backoff';

export interface ConditionCommandsOptions {
  gatewayId: string;
  topic: string;
  /** A command older than this is not carried out: the operator decided on a situation that has moved on. */
  maxAgeMs: number;
  /** The live source of a connector instance, as the runtime last created it. */
  sourceOf: (connector: string) => Source | undefined;
  registry: Registry;
  say: (line: string) => void;
  clock?: () => number;
}

type Outcome = 'acknowledged' | 'refused' | 'invalid' | 'expired' | 'unknown-connector';

/**
 * Carries out the operators' condition acknowledgements addressed to this gateway: each reaches the
 * connector that read the condition, which calls the source's Acknowledge method with the comment. The
 * result shows in the events product (the condition's next event is acked, with the comment, and the
 * server's own audit event follows); a refusal is logged with its reason and counted. Nothing is retried:
 * an acknowledgement is a person's decision on one event, and the server refuses a stale one anyway.
 */
export class ConditionCommands {
  private readonly outcomes: Counter<'command' | 'outcome'>;
  private consumer: KafkaConsumerPort | undefined;
  private readonly stop = new AbortController();

  constructor(private readonly options: ConditionCommandsOptions) {
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
        if (reason !== lastReason) this.options.say(`operator commands unavailable (${reason}); acknowledgements from the console wait in ${this.options.topic}; retrying`);
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

  private async handle(record: ConsumedRecord): Promise<void> {
    if (record.key?.toString() !== this.options.gatewayId) return;
    let json: unknown;
    try {
      json = JSON.parse(record.value?.toString() ?? '');
    } catch {
      json = undefined;
    }
    const parsed = parseWith(acknowledgeConditionCommandSchema, json);
    if (!parsed.ok) {
      this.report('invalid', `command at ${record.topic}/${record.partition}@${record.offset} ignored: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      return;
    }
    const command = parsed.value;
    const ageMs = (this.options.clock ?? Date.now)() - Date.parse(command.requestedAt);
    if (ageMs > this.options.maxAgeMs) {
      this.report('expired', `${describe(command)} not carried out: requested ${Math.round(ageMs / 1000)} s ago, beyond commands.maxAgeMs; acknowledge again from the console`);
      return;
    }
    const source = this.options.sourceOf(command.connector);
    if (!source?.acknowledgeCondition) {
      this.report('unknown-connector', `${describe(command)} not carried out: this gateway has no connector ${command.connector} that acknowledges conditions`);
      return;
    }
    try {
      await source.acknowledgeCondition({ conditionId: command.conditionId, eventId: command.eventId, comment: `${command.comment} (${command.requestedBy})` });
      this.outcomes.inc({ command: command.type, outcome: 'acknowledged' });
    } catch (error) {
      this.report('refused', `${describe(command)} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private report(outcome: Outcome, line: string): void {
    this.outcomes.inc({ command: 'acknowledge-condition', outcome });
    this.options.say(line);
  }
}

function describe(command: AcknowledgeConditionCommand): string {
  return `acknowledgement ${command.commandId} of ${command.conditionId} by ${command.requestedBy}`;
}
