import mqtt, { type MqttClient } from 'mqtt';
import { OutputStartFailed } from './errors';
import { PublishesInFlight } from './mqtt.in-flight';
import type { PlantOutput } from './plant.output';
import type { MqttTlsMaterial } from './mqtt.identities';
import type { Reading } from './reading';

export interface MqttJsonOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  /** CA, client certificate and key for mqtts:// with client-certificate authentication (the certificate's CN is the username). */
  tlsMaterial?: MqttTlsMaterial | undefined;
}

/** An onboarded device: its own MQTT session and certificate, publishing only under its asset path. */
export interface JsonDevice {
  assetPath: string;
  clientId: string;
  tlsMaterial: MqttTlsMaterial;
}

/** The wire payload of one reading on the ISA-95 topic tree. */
export interface JsonReadingPayload {
  timestamp_ms: number;
  value: number | string | null;
  unit: string;
  quality: string;
  operator?: string;
}

export function jsonTopic(reading: Pick<Reading, 'asset' | 'signal'>): string {
  return `${reading.asset.path}/${reading.signal.name}`;
}

export function jsonPayload(reading: Reading): JsonReadingPayload {
  const payload: JsonReadingPayload = { timestamp_ms: reading.timestampMs, value: reading.value, unit: reading.signal.unit, quality: reading.quality };
  if (reading.operator) payload.operator = reading.operator;
  return payload;
}

export async function connectMqtt(output: 'mqtt-json' | 'sparkplug', options: MqttJsonOptions & { will?: mqtt.IClientOptions['will'] }): Promise<MqttClient> {
  try {
    return await mqtt.connectAsync(options.url, {
      clientId: options.clientId,
      clean: true,
      reconnectPeriod: 1000,
      // A broker that refuses one connection (restarting, its auth not loaded yet) is tried again, as a
      // device would: mqtt.js otherwise stops reconnecting for good after a refused CONNACK.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      ...(options.username ? { username: options.username, ...(options.password !== undefined ? { password: options.password } : {}) } : {}),
      ...(options.tlsMaterial ? { ca: options.tlsMaterial.ca, cert: options.tlsMaterial.cert, key: options.tlsMaterial.key, rejectUnauthorized: true } : {}),
      ...(options.will ? { will: options.will } : {}),
    });
  } catch (cause) {
    throw new OutputStartFailed(output, options.url, 'Start the MQTT broker (deploy/local `up`) or pass the right --mqtt-url.', { cause });
  }
}

interface Session {
  /** Topics under this prefix go through this session; '' for the one shared session. */
  prefix: string;
  client: MqttClient;
  inFlight: PublishesInFlight;
}

/**
 * One reading per message, QoS 1, on `<enterprise>/<site>/<area>/<line>/<asset>/<signal>`: over one
 * session for the whole plant, or, with `devices`, over one session per asset with its own certificate
 * (as onboarded devices do, each allowed only its own topics by the broker's ACL).
 */
export class MqttJsonPublisher implements PlantOutput {
  readonly name = 'mqtt-json';
  private sessions: Session[] = [];
  private count = 0;

  constructor(
    private readonly options: MqttJsonOptions,
    private readonly devices?: readonly JsonDevice[],
  ) {}

  async start(): Promise<void> {
    const connect = async (prefix: string, options: MqttJsonOptions): Promise<Session> => ({
      prefix,
      client: await connectMqtt('mqtt-json', options),
      inFlight: new PublishesInFlight(),
    });
    const wanted = this.devices?.length
      ? this.devices.map((device) => [`${device.assetPath}/`, { ...this.options, clientId: device.clientId, tlsMaterial: device.tlsMaterial }] as const)
      : [['', this.options] as const];
    const settled = await Promise.allSettled(wanted.map(([prefix, options]) => connect(prefix, options)));
    const failed = settled.find((result) => result.status === 'rejected');
    this.sessions = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  async publish(readings: readonly Reading[]): Promise<void> {
    await Promise.all(readings.map((reading) => this.publishRaw(jsonTopic(reading), JSON.stringify(jsonPayload(reading)))));
    this.count += readings.length;
  }

  /** Publishes any bytes on any topic (the bad-input mode uses it) through the session of the device the topic belongs to; not counted as readings. */
  async publishRaw(topic: string, payload: string | Buffer): Promise<void> {
    if (this.sessions.length === 0) throw new Error('MqttJsonPublisher.publishRaw called before start()');
    const session = this.sessions.find((candidate) => topic.startsWith(candidate.prefix));
    if (!session) throw new Error(`no device of this plant publishes on ${topic}`);
    await session.inFlight.publish(session.client, topic, payload);
  }

  published(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    const sessions = this.sessions;
    this.sessions = [];
    await Promise.all(sessions.map((session) => session.inFlight.end(session.client)));
  }
}
