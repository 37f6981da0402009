import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigInvalid, parseWith } from '@fieldmesh/config';
import {
  DesiredStateRefused,
  type DesiredStateReport,
  GATEWAY_DESIRED_STATE_TOPIC_LAYOUT,
  type SignedDesiredState,
  type VerifiedDesiredState,
  verifyDesiredState,
} from '@fieldmesh/connect';
import { type ConsumedRecord, DEFAULT_REPLICATION_FACTOR, TopicFollower } from '@fieldmesh/kafka';
import { type GatewayConfig, gatewayConfigSchema } from '../config/gateway.config';
import { Gateway, gatewayKafka, type GatewayOptions } from '../gateway';
import { backoffMs, sleep } from '../runtime/backoff';
import { DesiredStateStore, type DesiredStateRecord } from './desired-state.store';
import { failedGates, measureResources } from './health.gates';

type FollowedConfig = GatewayConfig & { desiredState: NonNullable<GatewayConfig['desiredState']> };

/**
 * A gateway that runs the desired state operators publish for it. Each new version is verified against the
 * site CA, merged over the file's configuration (connectors, calibration, assets) and applied by restarting
 * the gateway in place: sources stop after their last batch is in the disk buffer, the buffer is closed and
 * reopened, MQTT persistent sessions keep what arrives meanwhile, so a change loses no reading, exactly as a
 * restart does not. The new version then has `gates.windowSeconds` to pass its health gates; if it fails
 * them (or does not start), the gateway goes back to the version before by itself and says why in its
 * heartbeat. A version is tried once: a lower or equal one is ignored, and one that was being tried when
 * the gateway stopped is not tried again.
 */
export class DesiredStateGateway {
  private readonly stop = new AbortController();
  private readonly store: DesiredStateStore;
  private follower: TopicFollower | undefined;
  private following: Promise<void> | undefined;
  private next: unknown;
  private working: Promise<void> | undefined;

  private constructor(
    private readonly fileConfig: FollowedConfig,
    private readonly options: GatewayOptions,
    private readonly caPem: string,
    private record: DesiredStateRecord,
    private running: { config: GatewayConfig; gateway: Gateway },
  ) {
    this.store = new DesiredStateStore(join(fileConfig.stateDir, 'desired-state.json'));
  }

  /** Starts the gateway on the desired state it last applied (else its file's configuration) and follows the topic for newer ones. */
  static async start(config: GatewayConfig, options: GatewayOptions): Promise<DesiredStateGateway> {
    const fileConfig = followed(config);
    const say = options.log ?? ((line: string) => console.error(line));
    const caPem = await readSiteCa(fileConfig.desiredState.siteCaFile);
    const store = new DesiredStateStore(join(fileConfig.stateDir, 'desired-state.json'));
    let record = await store.load();
    if (record.latest?.outcome === 'applying') {
      record = {
        ...record,
        latest: { ...record.latest, outcome: 'rolled-back', reason: 'the gateway stopped within its health window; the version before runs', at: new Date().toISOString() },
      };
      await store.save(record);
    }
    let running: GatewayConfig = fileConfig;
    if (record.applied) {
      try {
        const merged = mergeDesiredState(fileConfig, verifyDesiredState(record.applied, caPem));
        if (!merged.ok) throw new DesiredStateRefused(merged.problems);
        running = merged.value;
      } catch (error) {
        say(`the stored desired state cannot run (${error instanceof Error ? error.message : String(error)}); running ${fileConfig.stateDir}'s file configuration`);
        record = { ...record, applied: null };
      }
    }
    const ref: { self?: DesiredStateGateway } = {};
    // The first heartbeat goes while the gateway starts, before `self` exists.
    const gatewayOptions: GatewayOptions = { ...options, desiredState: () => (ref.self ? ref.self.report() : reportOf(record)) };
    const gateway = await Gateway.start(running, gatewayOptions);
    const self = new DesiredStateGateway(fileConfig, gatewayOptions, caPem, record, { config: running, gateway });
    ref.self = self;
    self.following = self.follow();
    return self;
  }

  /** The gateway running now (it changes with each version applied). */
  get gateway(): Gateway {
    return this.running.gateway;
  }

  report(): DesiredStateReport {
    return reportOf(this.record);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.following;
    await this.follower?.stop().catch(() => undefined);
    await this.working;
    await this.running.gateway.close();
  }

  private say(line: string): void {
    (this.options.log ?? ((text: string) => console.error(text)))(line);
  }

  /** Follows the topic from its beginning (its latest record for this gateway is what to run), retrying while Kafka does not answer. */
  private async follow(): Promise<void> {
    const { topic } = this.fileConfig.desiredState;
    let lastReason: string | undefined;
    for (let attempt = 0; !this.stop.signal.aborted; attempt++) {
      const follower = new TopicFollower(
        gatewayKafka(this.fileConfig),
        {
          topic,
          groupPrefix: `fieldmesh-gateway-desired-state.${this.fileConfig.gatewayId}`,
          ensureTopic: async (admin) => {
            await admin.createTopics([{ topic, ...GATEWAY_DESIRED_STATE_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR }]);
          },
        },
        (record) => this.receive(record),
      );
      try {
        await follower.start();
        this.follower = follower;
        if (lastReason) this.say('desired state followed again');
        return;
      } catch (error) {
        await follower.stop().catch(() => undefined);
        const reason = error instanceof Error ? error.message : String(error);
        if (reason !== lastReason) this.say(`desired state not followed (${reason}); the gateway runs what it runs; retrying`);
        lastReason = reason;
        await sleep(backoffMs(attempt, 500, 30_000), this.stop.signal);
      }
    }
  }

  /** Only the newest record waiting counts: states published while one is being tried are skipped to the latest. */
  private receive(record: ConsumedRecord): void {
    if (record.key?.toString() !== this.fileConfig.gatewayId || !record.value) return;
    try {
      this.next = JSON.parse(record.value.toString());
    } catch {
      this.next = record.value.toString();
    }
    this.working ??= this.work()
      .catch((error: unknown) => this.say(`desired state not handled (${error instanceof Error ? error.message : String(error)}); the gateway runs what it ran`))
      .finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    while (this.next !== undefined && !this.stop.signal.aborted) {
      const value = this.next;
      this.next = undefined;
      await this.handle(value);
    }
  }

  private async handle(value: unknown): Promise<void> {
    let verified: VerifiedDesiredState;
    try {
      verified = verifyDesiredState(value, this.caPem);
    } catch (error) {
      if (!(error instanceof DesiredStateRefused)) throw error;
      // An unverified record moves nothing forward (highestSeen stays): a forged high version cannot block the real ones.
      const claimed = claimedVersion(value);
      if (claimed <= this.record.highestSeen) return;
      return this.conclude({ version: claimed, rolloutId: null, outcome: 'rejected', reason: error.message });
    }
    const { payload, signedBy } = verified;
    if (payload.version <= this.record.highestSeen) return;
    const latest = { version: payload.version, rolloutId: payload.rolloutId };
    if (payload.gatewayId !== this.fileConfig.gatewayId) {
      return this.conclude({ ...latest, outcome: 'rejected', reason: `desired state refused: it was signed for gateway ${payload.gatewayId}` }, payload.version);
    }
    const merged = mergeDesiredState(this.fileConfig, verified);
    if (!merged.ok) return this.conclude({ ...latest, outcome: 'rejected', reason: `desired state refused: ${merged.problems}` }, payload.version);

    const { gates } = this.fileConfig.desiredState;
    const before = this.running.config;
    await this.conclude({ ...latest, outcome: 'applying' }, payload.version);
    this.say(`desired state v${payload.version} signed by ${signedBy}: applying; health gates judged in ${gates.windowSeconds} s`);
    let failures: string[];
    try {
      await this.swap(merged.value);
      const used = measureResources();
      await sleep(gates.windowSeconds * 1000, this.stop.signal);
      // Stopped within the window: the next start runs the version before (see start).
      if (this.stop.signal.aborted) return;
      const gateway = this.running.gateway;
      failures = failedGates(gates, gateway.stats(), gateway.state().connectors, used());
    } catch (error) {
      failures = [`it did not start: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (failures.length === 0) {
      this.record = { ...this.record, applied: value as SignedDesiredState };
      await this.conclude({ ...latest, outcome: 'applied' });
      this.say(`desired state v${payload.version} applied: its health gates passed`);
      return;
    }
    const reason = `health gates failed: ${failures.join('; ')}`;
    this.say(`desired state v${payload.version}: ${reason}; going back to ${this.record.applied ? `v${versionOf(this.record.applied)}` : 'the file configuration'}`);
    await this.swapUntilRunning(before);
    await this.conclude({ ...latest, outcome: 'rolled-back', reason });
    this.say(`desired state v${payload.version} rolled back: the version before runs again`);
  }

  /** Records the outcome (saved before it is reported) and sends a heartbeat with it at once. */
  private async conclude(latest: Omit<NonNullable<DesiredStateRecord['latest']>, 'at'>, seen?: number): Promise<void> {
    this.record = { ...this.record, highestSeen: Math.max(this.record.highestSeen, seen ?? 0), latest: { ...latest, at: new Date().toISOString() } };
    await this.store.save(this.record);
    if (latest.outcome === 'rejected') this.say(`desired state v${latest.version} not applied: ${latest.reason}`);
    await this.running.gateway.beatNow();
  }

  /** Stops the running gateway (its buffer keeps everything) and starts one with `config`. */
  private async swap(config: GatewayConfig): Promise<void> {
    await this.running.gateway.close();
    this.running = { config, gateway: await Gateway.start(config, this.options) };
  }

  /** Going back must end with a running gateway: retries with backoff until the version before starts. */
  private async swapUntilRunning(config: GatewayConfig): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.swap(config);
      } catch (error) {
        this.say(`the version before did not start (${error instanceof Error ? error.message : String(error)}); retrying`);
        await sleep(backoffMs(attempt, 500, 30_000));
      }
    }
  }
}

/** The site CA certificate, read and parsed at start, so a wrong file stops the gateway at once rather than refusing every state. */
async function readSiteCa(file: string): Promise<string> {
  try {
    const pem = await readFile(file, 'utf8');
    new X509Certificate(pem);
    return pem;
  } catch (error) {
    throw new ConfigInvalid('gateway config', [
      { path: 'desiredState.siteCaFile', message: `${file} is not a readable PEM certificate (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
}

/** A configuration that follows a desired state (the config schema requires `commands` beside it: heartbeats carry the outcome). */
function followed(config: GatewayConfig): FollowedConfig {
  const { desiredState } = config;
  if (!desiredState) throw new ConfigInvalid('gateway config', [{ path: 'desiredState', message: 'is required to follow a desired state' }]);
  return { ...config, desiredState };
}

/** The file's configuration with the desired state's parts put in (a part the state leaves out stays the file's), checked whole. */
function mergeDesiredState(file: GatewayConfig, { payload }: VerifiedDesiredState): { ok: true; value: GatewayConfig } | { ok: false; problems: string } {
  if (payload.config === null) return { ok: true, value: file };
  const { connectors, calibration, assets } = payload.config;
  const result = parseWith(gatewayConfigSchema, { ...file, connectors, calibration: calibration ?? file.calibration, assets: assets ?? file.assets });
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
}

function reportOf(record: DesiredStateRecord): DesiredStateReport {
  return { appliedVersion: record.applied ? versionOf(record.applied) : null, latest: record.latest };
}

function versionOf(signed: SignedDesiredState): number {
  return (JSON.parse(signed.payload) as { version: number }).version;
}

/** The version an unverified record claims, for the report alone. */
function claimedVersion(value: unknown): number {
  try {
    const version = (JSON.parse((value as { payload: string }).payload) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isInteger(version) ? version : 0;
  } catch {
    return 0;
  }
}
