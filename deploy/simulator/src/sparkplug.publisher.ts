import type { MqttClient } from 'mqtt';
import { connectMqtt, type MqttJsonOptions } from './mqtt-json.publisher';
import type { MqttTlsMaterial } from './mqtt.identities';
import { PublishesInFlight } from './mqtt.in-flight';
import type { Line } from './plant.model';
import type { PlantOutput } from './plant.output';
import type { Reading } from './reading';
import { isRebirthRequest, SparkplugEdgeNode, type SparkplugMessage } from './sparkplug.encoder';

export interface SparkplugOptions extends Omit<MqttJsonOptions, 'clientId'> {
  /** Client ids are `<prefix>-<site>-<line>`, one MQTT session per edge node. */
  clientIdPrefix: string;
  /** Most metrics in one DDATA; a device's readings beyond it go into further messages. */
  maxMetricsPerMessage: number;
  /** Each edge node's own certificate (onboarded), by line; one shared connection setting when absent. */
  tlsMaterialOf?: ((line: Line) => MqttTlsMaterial) | undefined;
}

/** One edge node: its MQTT session (with NDEATH as will), births, data and rebirth on request. */
class EdgeNodeSession {
  readonly node: SparkplugEdgeNode;
  private client: MqttClient | undefined;
  private readonly inFlight = new PublishesInFlight();
  private readonly current = new Map<string, Map<string, Reading>>();
  private born = false;
  rebirths = 0;

  constructor(
    private readonly line: Line,
    private readonly options: SparkplugOptions,
  ) {
    this.node = new SparkplugEdgeNode(line);
  }

  async start(): Promise<void> {
    const death = this.node.ndeath(Date.now());
    this.client = await connectMqtt('sparkplug', {
      ...this.options,
      clientId: `${this.options.clientIdPrefix}-${this.line.site}-${this.line.id}`,
      tlsMaterial: this.options.tlsMaterialOf?.(this.line),
      will: { topic: death.topic, payload: Buffer.from(death.payload), qos: 1, retain: false },
    });
    const client = this.client;
    // A new MQTT session is a new Sparkplug session: the next will carries the next bdSeq, and the
    // node announces itself again once the broker is back.
    client.on('close', () => {
      this.node.bdSeq = (this.node.bdSeq + 1) % 256;
      const next = this.node.ndeath(Date.now());
      if (client.options.will) client.options.will.payload = Buffer.from(next.payload);
      this.born = false;
    });
    client.on('connect', () => void this.birth().catch(() => undefined));
    client.on('message', (topic, payload) => {
      if (topic === this.node.topic('NCMD') && isRebirthRequest(payload)) {
        this.rebirths += 1;
        void this.birth().catch(() => undefined);
      }
    });
    await client.subscribeAsync(this.node.topic('NCMD'), { qos: 1 });
  }

  async publish(readings: readonly Reading[]): Promise<void> {
    const byDevice = new Map<string, Reading[]>();
    for (const reading of readings) {
      const list = byDevice.get(reading.asset.id) ?? [];
      list.push(reading);
      byDevice.set(reading.asset.id, list);
      const current = this.current.get(reading.asset.id) ?? new Map<string, Reading>();
      current.set(reading.signal.name, reading);
      this.current.set(reading.asset.id, current);
    }
    // A birth carries each metric's current value, so the readings it carries are delivered by it:
    // sending them again in DDATA would deliver them twice.
    const inBirth = new Set<Reading>();
    if (!this.born) {
      await this.birth();
      for (const current of this.current.values()) for (const reading of current.values()) inBirth.add(reading);
    }
    const now = Date.now();
    const sends: Promise<void>[] = [];
    for (const [deviceId, all] of byDevice) {
      const list = all.filter((reading) => !inBirth.has(reading));
      for (let i = 0; i < list.length; i += this.options.maxMetricsPerMessage) {
        sends.push(this.send(this.node.ddata(deviceId, list.slice(i, i + this.options.maxMetricsPerMessage), now)));
      }
    }
    await Promise.all(sends);
  }

  async send(message: SparkplugMessage): Promise<void> {
    if (!this.client) throw new Error('Sparkplug session used before start()');
    await this.inFlight.publish(this.client, message.topic, Buffer.from(message.payload));
  }

  /** NBIRTH then one DBIRTH per device, with the latest values (or null before the first reading). */
  private async birth(): Promise<void> {
    this.born = true;
    const now = Date.now();
    const messages = [this.node.nbirth(now), ...this.node.deviceIds().map((id) => this.node.dbirth(id, now, this.current.get(id) ?? new Map()))];
    await Promise.all(messages.map((message) => this.send(message)));
  }

  /** A clean disconnect still tells hosts the node is gone: publish NDEATH ourselves, then leave. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) void this.inFlight.publish(client, this.node.topic('NDEATH'), Buffer.from(this.node.ndeath(Date.now()).payload)).catch(() => undefined);
    await this.inFlight.end(client);
  }
}

/** Sparkplug B: one edge node per line (group = site), one device per asset. */
export class SparkplugPublisher implements PlantOutput {
  readonly name = 'sparkplug';
  private readonly sessions: EdgeNodeSession[];
  private count = 0;

  constructor(lines: readonly Line[], options: SparkplugOptions) {
    this.sessions = lines.map((line) => new EdgeNodeSession(line, options));
  }

  async start(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.start()));
  }

  async publish(readings: readonly Reading[]): Promise<void> {
    await Promise.all(
      this.sessions.map((session) => {
        const mine = readings.filter((reading) => reading.asset.site === session.node.groupId && `${reading.asset.area}.${reading.asset.line}` === session.node.edgeNodeId);
        return mine.length > 0 ? session.publish(mine) : Promise.resolve();
      }),
    );
    this.count += readings.length;
  }

  /** The edge node of a line, for the bad-input mode and tests. */
  session(site: string, line: string): EdgeNodeSession | undefined {
    return this.sessions.find((session) => session.node.groupId === site && session.node.edgeNodeId.endsWith(`.${line}`));
  }

  rebirths(): number {
    return this.sessions.reduce((sum, session) => sum + session.rebirths, 0);
  }

  published(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.stop()));
  }
}
