import { randomUUID, X509Certificate } from 'node:crypto';
import { DEFAULT_REPLICATION_FACTOR, type KafkaConsumerPort, type KafkaPort, type KafkaProducerPort, readTopicToEnd, TopicNotFound } from '@fieldmesh/kafka';
import {
  type DesiredStateConfig,
  type DesiredStatePayload,
  FLEET_ROLLOUTS_TOPIC,
  FLEET_ROLLOUTS_TOPIC_LAYOUT,
  type FleetRolloutEvent,
  GATEWAY_DESIRED_STATE_TOPIC,
  GATEWAY_DESIRED_STATE_TOPIC_LAYOUT,
  signDesiredState,
  type SignedDesiredState,
} from './desired-state';
import { GATEWAY_REPLIES_TOPIC, type GatewayHeartbeat, type GatewayReply } from './gateway.reply';

export interface FleetTopics {
  desiredState: string;
  rollouts: string;
  replies: string;
}

export const FLEET_TOPICS: FleetTopics = { desiredState: GATEWAY_DESIRED_STATE_TOPIC, rollouts: FLEET_ROLLOUTS_TOPIC, replies: GATEWAY_REPLIES_TOPIC };

/** The operator who signs: their private key and the certificate the site CA issued for it (`ca issue --type operator`). */
export interface OperatorKey {
  keyPem: string;
  certificatePem: string;
}

export interface RolloutOptions {
  kafka: KafkaPort;
  operator: OperatorKey;
  /** The state to roll out; `${gatewayId}` in any string becomes each gateway's id (MQTT client ids differ per gateway). */
  config: DesiredStateConfig;
  canary: string;
  /** Gateways after the canary, wave by wave; a wave starts once every gateway of the one before passed its gates. */
  waves: readonly (readonly string[])[];
  /** How long one gateway may take to report its outcome (its health window plus a restart and a heartbeat). */
  gateTimeoutMs: number;
  topics?: FleetTopics;
  progress?: (line: string) => void;
  rolloutId?: string;
}

export interface RolloutResult {
  rolloutId: string;
  outcome: 'completed' | 'stopped';
  /** Gateway → the version this rollout published and what became of it. */
  gateways: Record<string, { version: number; outcome: string; reason?: string }>;
}

/** Each gateway's latest signed state on the desired-state topic (the topic is compacted: the latest is what it should run). */
export async function latestDesiredStates(
  kafka: KafkaPort,
  topic = GATEWAY_DESIRED_STATE_TOPIC,
): Promise<Map<string, { signed: SignedDesiredState; payload: DesiredStatePayload }>> {
  const latest = new Map<string, { signed: SignedDesiredState; payload: DesiredStatePayload }>();
  try {
    for (const record of await readTopicToEnd(kafka, topic, { groupPrefix: 'fieldmesh-fleet' })) {
      if (!record.key || !record.value) continue;
      const signed = JSON.parse(record.value.toString()) as SignedDesiredState;
      latest.set(record.key.toString(), { signed, payload: JSON.parse(signed.payload) as DesiredStatePayload });
    }
  } catch (error) {
    if (!(error instanceof TopicNotFound)) throw error;
  }
  return latest;
}

/** Every rollout step on the audit topic, in order. */
export async function rolloutEvents(kafka: KafkaPort, topic = FLEET_ROLLOUTS_TOPIC): Promise<FleetRolloutEvent[]> {
  try {
    return (await readTopicToEnd(kafka, topic, { groupPrefix: 'fieldmesh-fleet' })).map((record) => JSON.parse(record.value!.toString()) as FleetRolloutEvent);
  } catch (error) {
    if (error instanceof TopicNotFound) return [];
    throw error;
  }
}

/**
 * A staged rollout: the canary first, then each wave. Every gateway gets its own next version, signed by the
 * operator; the rollout waits for each gateway's heartbeat to report the version applied (its health gates
 * passed) before going on. A gateway that rolls back, rejects the state or stays silent stops the rollout,
 * and every gateway this rollout changed is given its state from before again (as a new version). Each step
 * goes to the rollouts topic first (the audit trail), then to `progress`.
 */
export async function runRollout(options: RolloutOptions): Promise<RolloutResult> {
  const session = await FleetSession.open(options.kafka, options.operator, options.topics ?? FLEET_TOPICS, options.rolloutId ?? randomUUID(), options.progress);
  try {
    const result: RolloutResult = { rolloutId: session.rolloutId, outcome: 'completed', gateways: {} };
    const waves = [[options.canary], ...options.waves.filter((wave) => wave.length > 0)];
    await session.audit({
      step: 'started',
      detail: `canary ${options.canary}; waves ${
        waves
          .slice(1)
          .map((w) => w.join(','))
          .join(' | ') || '(none)'
      }`,
    });
    const changed: Array<{ gatewayId: string; previous: SignedDesiredState | null }> = [];
    for (const [wave, gateways] of waves.entries()) {
      await session.awaitAlive(gateways, options.gateTimeoutMs);
      const published = [];
      for (const gatewayId of gateways) {
        const { version, previous } = await session.publish(gatewayId, withGatewayId(options.config, gatewayId), wave);
        changed.push({ gatewayId, previous });
        published.push({ gatewayId, version });
      }
      const outcomes = await Promise.all(published.map(({ gatewayId, version }) => session.awaitOutcome(gatewayId, version, options.gateTimeoutMs, wave)));
      for (const [index, { gatewayId, version }] of published.entries()) result.gateways[gatewayId] = { version, ...outcomes[index]! };
      if (outcomes.every((outcome) => outcome.outcome === 'applied')) continue;
      result.outcome = 'stopped';
      await session.restore(changed, options.gateTimeoutMs);
      await session.audit({ step: 'stopped', wave, detail: `wave ${wave} failed its gates; every gateway this rollout changed was given its state from before` });
      return result;
    }
    await session.audit({ step: 'completed', detail: `${changed.length} gateway(s)` });
    return result;
  } finally {
    await session.close();
  }
}

export interface RollbackOptions {
  kafka: KafkaPort;
  operator: OperatorKey;
  rolloutId: string;
  gateTimeoutMs: number;
  topics?: FleetTopics;
  progress?: (line: string) => void;
}

/** Gives every gateway a rollout changed its state from before that rollout again (as a new version), and waits for each to apply it. */
export async function rollBack(options: RollbackOptions): Promise<RolloutResult> {
  const topics = options.topics ?? FLEET_TOPICS;
  const events = (await rolloutEvents(options.kafka, topics.rollouts)).filter((event) => event.rolloutId === options.rolloutId && event.step === 'published');
  if (events.length === 0) throw new Error(`rollout ${options.rolloutId} published nothing (no 'published' step on ${topics.rollouts}); 'fieldmesh fleet status' lists rollouts`);
  const firstPerGateway = new Map<string, SignedDesiredState | null>();
  for (const event of events) if (!firstPerGateway.has(event.gatewayId!)) firstPerGateway.set(event.gatewayId!, event.previous ?? null);
  const session = await FleetSession.open(options.kafka, options.operator, topics, options.rolloutId, options.progress);
  try {
    const outcomes = await session.restore(
      [...firstPerGateway].map(([gatewayId, previous]) => ({ gatewayId, previous })),
      options.gateTimeoutMs,
    );
    return { rolloutId: options.rolloutId, outcome: Object.values(outcomes).every((o) => o.outcome === 'applied') ? 'completed' : 'stopped', gateways: outcomes };
  } finally {
    await session.close();
  }
}

/** The state a rollout sends one gateway: `${gatewayId}` replaced in every string. */
export function withGatewayId(config: DesiredStateConfig, gatewayId: string): DesiredStateConfig {
  return JSON.parse(JSON.stringify(config), (_key, value: unknown) => (typeof value === 'string' ? value.replaceAll('${gatewayId}', gatewayId) : value)) as DesiredStateConfig;
}

/** One operator's connection for a rollout or a rollback: publishes signed states, records audit steps, watches heartbeats. */
class FleetSession {
  private readonly beats = new Map<string, GatewayHeartbeat>();
  private heartbeats: KafkaConsumerPort | undefined;
  private readonly waiters = new Set<() => void>();
  private versions!: Map<string, { signed: SignedDesiredState; payload: DesiredStatePayload }>;

  private constructor(
    private readonly kafka: KafkaPort,
    private readonly operator: OperatorKey,
    private readonly topics: FleetTopics,
    readonly rolloutId: string,
    private readonly producer: KafkaProducerPort,
    private readonly by: string,
    private readonly progress: (line: string) => void,
  ) {}

  static async open(kafka: KafkaPort, operator: OperatorKey, topics: FleetTopics, rolloutId: string, progress: (line: string) => void = () => undefined): Promise<FleetSession> {
    const certificate = new X509Certificate(operator.certificatePem);
    const by = /^CN=(.*)$/m.exec(certificate.subject)?.[1] ?? certificate.subject;
    // The fleet operator makes both topics it writes when they are missing (a development stack; a cluster declares them).
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics([
        { topic: topics.desiredState, ...GATEWAY_DESIRED_STATE_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR },
        { topic: topics.rollouts, ...FLEET_ROLLOUTS_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR },
      ]);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    const session = new FleetSession(kafka, operator, topics, rolloutId, producer, by, progress);
    session.versions = await latestDesiredStates(kafka, topics.desiredState);
    // From now on (not the topic's history): a gateway's next heartbeat says where it stands.
    session.heartbeats = kafka.consumer({ groupId: `fieldmesh-fleet-${randomUUID()}`, topics: [topics.replies], fromBeginning: false, maxWaitMs: 200 });
    await session.heartbeats.connect();
    await session.heartbeats.run(async (batch) => {
      for (const record of batch.records) {
        const reply = JSON.parse(record.value!.toString()) as GatewayReply;
        if (reply.kind === 'heartbeat') session.beats.set(reply.gatewayId, reply);
      }
      for (const wake of session.waiters) wake();
    });
    return session;
  }

  async close(): Promise<void> {
    await this.heartbeats?.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  async audit(step: Omit<FleetRolloutEvent, 'rolloutId' | 'by' | 'at'>): Promise<void> {
    const event: FleetRolloutEvent = { rolloutId: this.rolloutId, by: this.by, at: new Date().toISOString(), ...step };
    await this.producer.send([{ topic: this.topics.rollouts, key: this.rolloutId, value: Buffer.from(JSON.stringify(event)) }]);
    const where = [step.gatewayId, step.version === undefined ? undefined : `v${step.version}`, step.wave === undefined ? undefined : `wave ${step.wave}`]
      .filter(Boolean)
      .join(' ');
    this.progress(`${step.step}${where ? ` ${where}` : ''}${step.detail ? `: ${step.detail}` : ''}`);
  }

  /** Every gateway of a wave must be heard from before anything is sent to it: a silent gateway would only time out later. */
  async awaitAlive(gateways: readonly string[], timeoutMs: number): Promise<void> {
    const silent = await this.until(
      () => gateways.filter((id) => !this.beats.has(id)),
      (left) => left.length === 0,
      timeoutMs,
    );
    if (silent.length > 0) throw new Error(`no heartbeat from ${silent.join(', ')} within ${timeoutMs / 1000} s: is it running with commands and desiredState configured?`);
  }

  /** Signs and publishes the gateway's next version (one above both the topic's latest and what its heartbeat last reported). */
  async publish(gatewayId: string, config: DesiredStateConfig | null, wave?: number): Promise<{ version: number; previous: SignedDesiredState | null }> {
    const previous = this.versions.get(gatewayId);
    const reported = this.beats.get(gatewayId)?.desiredState?.latest?.version ?? 0;
    const version = Math.max(previous?.payload.version ?? 0, reported) + 1;
    const payload: DesiredStatePayload = { gatewayId, version, issuedAt: new Date().toISOString(), rolloutId: this.rolloutId, config };
    const signed = signDesiredState(payload, this.operator.keyPem, this.operator.certificatePem);
    await this.producer.send([{ topic: this.topics.desiredState, key: gatewayId, value: Buffer.from(JSON.stringify(signed)) }]);
    this.versions.set(gatewayId, { signed, payload });
    await this.audit({ step: 'published', gatewayId, version, ...(wave === undefined ? {} : { wave }), previous: previous?.signed ?? null });
    return { version, previous: previous?.signed ?? null };
  }

  /** Waits for the gateway's heartbeat to report the version's outcome, and records it as a gate passed or failed. */
  async awaitOutcome(gatewayId: string, version: number, timeoutMs: number, wave?: number): Promise<{ outcome: string; reason?: string }> {
    const latest = await this.until(
      () => this.beats.get(gatewayId)?.desiredState?.latest,
      (report) => report !== undefined && report !== null && report.version >= version && report.outcome !== 'applying',
      timeoutMs,
    );
    const outcome: { outcome: string; reason?: string } =
      latest && latest.version >= version && latest.outcome !== 'applying'
        ? { outcome: latest.outcome, ...(latest.reason ? { reason: latest.reason } : {}) }
        : { outcome: 'silent', reason: `no outcome reported within ${timeoutMs / 1000} s` };
    const passed = outcome.outcome === 'applied';
    await this.audit({
      step: passed ? 'gate-passed' : 'gate-failed',
      gatewayId,
      version,
      ...(wave === undefined ? {} : { wave }),
      ...(outcome.reason ? { detail: `${outcome.outcome}: ${outcome.reason}` } : {}),
    });
    return outcome;
  }

  /** Publishes each gateway's earlier state as its next version and waits for each outcome. */
  async restore(
    changed: ReadonlyArray<{ gatewayId: string; previous: SignedDesiredState | null }>,
    timeoutMs: number,
  ): Promise<Record<string, { version: number; outcome: string; reason?: string }>> {
    const first = new Map<string, SignedDesiredState | null>();
    for (const { gatewayId, previous } of changed) if (!first.has(gatewayId)) first.set(gatewayId, previous);
    const restored: Record<string, { version: number; outcome: string; reason?: string }> = {};
    await Promise.all(
      [...first].map(async ([gatewayId, previous]) => {
        const config = previous ? (JSON.parse(previous.payload) as DesiredStatePayload).config : null;
        const { version } = await this.publish(gatewayId, config);
        const outcome = await this.awaitOutcome(gatewayId, version, timeoutMs);
        await this.audit({
          step: 'rolled-back',
          gatewayId,
          version,
          detail: `${previous ? `the state of v${(JSON.parse(previous.payload) as DesiredStatePayload).version}` : 'its file configuration'}: ${outcome.outcome}`,
        });
        restored[gatewayId] = { version, ...outcome };
      }),
    );
    return restored;
  }

  /** Re-evaluates `read` on every batch of heartbeats until `done` holds or time runs out; returns the last value read. */
  private async until<T>(read: () => T, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(1000, Math.max(0, deadline - Date.now())));
        this.waiters.add(wake);
      });
      value = read();
    }
    return value;
  }
}
