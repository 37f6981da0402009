import mqtt, { type MqttClient } from 'mqtt';
import { OutputStartFailed } from './errors';
import { PublishesInFlight } from './mqtt.in-flight';
import type { PlantOutput } from './plant.output';
import type { Reading } from './reading';

export interface MqttJsonOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
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
      ...(options.will ? { will: options.will } : {}),
    });
  } catch (cause) {
    throw new OutputStartFailed(output, options.url, 'Start the MQTT broker (deploy/local `up`) or pass the right --mqtt-url.', { cause });
  }
}

/** One reading per message, QoS 1, on `<enterprise>/<site>/<area>/<line>/<asset>/<signal>`. */
export class MqttJsonPublisher implements PlantOutput {
  readonly name = 'mqtt-json';
  private client: MqttClient | undefined;
  private readonly inFlight = new PublishesInFlight();
  private count = 0;

  constructor(private readonly options: MqttJsonOptions) {}

  async start(): Promise<void> {
    this.client = await connectMqtt('mqtt-json', this.options);
  }

  async publish(readings: readonly Reading[]): Promise<void> {
    await Promise.all(readings.map((reading) => this.publishRaw(jsonTopic(reading), JSON.stringify(jsonPayload(reading)))));
    this.count += readings.length;
  }

  /** Publishes any bytes on any topic (the bad-input mode uses it); not counted as readings. */
  async publishRaw(topic: string, payload: string | Buffer): Promise<void> {
    if (!this.client) throw new Error('MqttJsonPublisher.publishRaw called before start()');
    await this.inFlight.publish(this.client, topic, payload);
  }

  published(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await this.inFlight.end(client);
  }
}
