import { readFileSync } from 'node:fs';
import { NotConnected } from '@fieldmesh/connect';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import type { MqttSourceConfig, TlsConfig } from './config';
import type { InboundMessage } from './decoded-message';
import { SubscriptionRefused, TlsFileUnreadable } from './errors';
import { hostStatePayload, hostStateTopic } from './sparkplug.host-state';

export interface Subscription {
  topic: string;
  qos: 0 | 1;
}

export interface ConnectionHandlers {
  /**
   * `messageId` is set for QoS 1 messages: they stay unacknowledged until `puback(messageId)`.
   * `subscriptionIdentifiers` (MQTT 5) name the subscriptions this copy was sent for; empty when none.
   */
  message(message: InboundMessage, messageId: number | undefined, subscriptionIdentifiers: number[]): void;
  /** The connection is gone (broker down, network, keep-alive timeout, or closed by us). */
  closed(cause: Error | undefined): void;
}

/** mqtt.js keeps its packet writer private; we need it to send a PUBACK when the runtime acks, not on receipt. */
interface PacketWriter {
  _sendPacket(packet: { cmd: 'puback'; messageId: number }, callback?: () => void): void;
}

/** mqtt.js sends the PUBACK itself after handleMessage calls back without an error; this one skips it. */
const PUBACK_DEFERRED = new Error('PUBACK deferred until the gateway acknowledges the batch');

function readTlsFile(field: string, file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new TlsFileUnreadable(`tls.${field}`, file, { cause });
  }
}

function tlsOptions(tls: TlsConfig | undefined): Partial<IClientOptions> {
  if (!tls) return {};
  const ca = readTlsFile('caFile', tls.caFile);
  const cert = readTlsFile('certFile', tls.certFile);
  const key = readTlsFile('keyFile', tls.keyFile);
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
  };
}

/** The primary host's Sparkplug STATE topic, when the source acts as one. */
export function primaryHostStateTopic(config: MqttSourceConfig): string | undefined {
  return config.format === 'sparkplugb' && config.sparkplug.primaryHostId !== undefined ? hostStateTopic(config.sparkplug.primaryHostId) : undefined;
}

/** `stateTimestamp`: the Sparkplug STATE timestamp of this connection, for the offline will of a primary host. */
export function clientOptions(config: MqttSourceConfig, stateTimestamp = Date.now()): IClientOptions {
  const stateTopic = primaryHostStateTopic(config);
  return {
    clientId: config.clientId,
    protocolVersion: config.protocolVersion,
    clean: config.cleanSession,
    keepalive: config.keepaliveSeconds,
    connectTimeout: config.connectTimeoutMs,
    // The gateway runtime reconnects with backoff after NotConnected; a second retry loop in mqtt.js would
    // hide the outage from it and deliver into a source nobody is reading.
    reconnectPeriod: 0,
    resubscribe: false,
    // A rebirth request while disconnected is dropped, not queued for a connection that never comes back.
    queueQoSZero: false,
    manualConnect: true,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.protocolVersion === 5
      ? {
          properties: {
            sessionExpiryInterval: config.cleanSession ? 0 : config.sessionExpirySeconds,
            // The broker stops sending once this many QoS 1 messages wait for our PUBACK.
            receiveMaximum: config.batchMaxMessages,
            // No maximumPacketSize: a broker silently drops what exceeds it, while an oversized message
            // that reaches us becomes a PayloadTooLarge reject in the dead-letter topic.
          },
        }
      : {}),
    // The broker tells the edge nodes that the primary host is gone when the connection drops without a DISCONNECT.
    ...(stateTopic ? { will: { topic: stateTopic, payload: hostStatePayload(false, stateTimestamp), qos: 1 as const, retain: true } } : {}),
    ...tlsOptions(config.tls),
  };
}

/**
 * One MQTT connection (no automatic reconnect). QoS 1 messages are handed over without PUBACK; the
 * source sends it with `puback` once the runtime has acknowledged the batch, so a gateway that dies
 * before that gets them again from the broker's persistent session.
 */
export class MqttConnection {
  private closing = false;
  /** The broker still held our session (CONNACK session present): it keeps the subscriptions made on earlier connections. */
  sessionPresent = false;
  /** MQTT 5 brokers may give each subscription an identifier that comes back on the messages it delivers. */
  subscriptionIdentifiersAvailable = false;

  private constructor(
    private readonly client: MqttClient,
    readonly endpoint: string,
    private readonly config: MqttSourceConfig,
    private readonly connector: string,
    /** The Sparkplug STATE timestamp of this connection: in its will, its online birth and its offline death. */
    readonly stateTimestamp: number,
  ) {}

  /** Connects; subscribing is the caller's next step, once it knows whether the session was present. */
  static async open(config: MqttSourceConfig, handlers: ConnectionHandlers, connector: string): Promise<MqttConnection> {
    const stateTimestamp = Date.now();
    const client = mqtt.connect(config.url, clientOptions(config, stateTimestamp));
    const connection = new MqttConnection(client, config.url, config, connector, stateTimestamp);
    const stateTopic = primaryHostStateTopic(config);
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      if (packet.topic === stateTopic) {
        // Our own STATE, not a reading: subscribed at QoS 0 so that it needs no PUBACK among the deferred ones.
        callback();
        connection.reassertOnline(packet.payload);
        return;
      }
      const message: InboundMessage = {
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        receivedTime: Date.now(),
      };
      const identifiers = packet.properties?.subscriptionIdentifier;
      const subscriptionIdentifiers = identifiers === undefined ? [] : Array.isArray(identifiers) ? identifiers : [identifiers];
      if (packet.qos === 1 && packet.messageId !== undefined) {
        handlers.message(message, packet.messageId, subscriptionIdentifiers);
        callback(PUBACK_DEFERRED);
      } else {
        // QoS 0 has nothing to acknowledge; QoS 2 is never subscribed, so the broker cannot send it.
        handlers.message(message, undefined, subscriptionIdentifiers);
        callback();
      }
    };

    await new Promise<void>((resolve, reject) => {
      const fail = (cause: Error | undefined) => {
        client.removeAllListeners();
        client.end(true);
        reject(new NotConnected(connector, config.url, { cause: cause ?? new Error('connection closed before CONNACK') }));
      };
      let lastError: Error | undefined;
      client.once('connect', (connack) => {
        connection.sessionPresent = connack.sessionPresent;
        connection.subscriptionIdentifiersAvailable = config.protocolVersion === 5 && connack.properties?.subscriptionIdentifiersAvailable !== false;
        client.removeAllListeners('close');
        resolve();
      });
      client.on('error', (error) => {
        lastError = error;
      });
      client.once('close', () => fail(lastError));
      client.connect();
    });

    client.on('close', () => {
      if (connection.closing) return;
      connection.closing = true;
      handlers.closed(undefined);
    });

    return connection;
  }

  /**
   * Subscribes; with `identifiers`, each filter in a SUBSCRIBE of its own, since MQTT 5 gives one
   * identifier to all the filters of one packet. Throws NotConnected when the connection fails and
   * SubscriptionRefused when the broker refuses a filter.
   */
  async subscribe(subscriptions: readonly Subscription[], identifiers: ReadonlyMap<string, number> | undefined): Promise<void> {
    // Retain handling 1: retained messages only for a new subscription, not on every reconnect (MQTT 5).
    const options = (qos: 0 | 1) => ({ qos, ...(this.config.protocolVersion === 5 ? { rh: 1 as const } : {}) });
    // mqtt.js takes SUBSCRIBE properties from the options argument, not from a topic map.
    const packets = identifiers
      ? subscriptions.map(
          ({ topic, qos }) =>
            () =>
              this.client.subscribeAsync(topic, { ...options(qos), properties: { subscriptionIdentifier: identifiers.get(topic)! } }),
        )
      : [() => this.client.subscribeAsync(Object.fromEntries(subscriptions.map(({ topic, qos }) => [topic, options(qos)])))];
    let grants;
    try {
      grants = (await Promise.all(packets.map((send) => send()))).flat();
    } catch (cause) {
      throw new NotConnected(this.connector, this.endpoint, { cause });
    }
    const refused = grants.find((grant) => grant.qos > 2);
    if (refused) throw new SubscriptionRefused(refused.topic, refused.qos);
  }

  /** Unsubscribes; resolves with the MQTT 5 reason code per filter (0 removed, 17 there was none), undefined on MQTT 3.1.1. */
  async unsubscribe(filters: readonly string[]): Promise<number[] | undefined> {
    let answer;
    try {
      // mqtt.js resolves with the UNSUBACK, whose `granted` holds the MQTT 5 reason codes.
      answer = (await this.client.unsubscribeAsync([...filters])) as { granted?: number[] } | undefined;
    } catch (cause) {
      throw new NotConnected(this.connector, this.endpoint, { cause });
    }
    return this.config.protocolVersion === 5 && Array.isArray(answer?.granted) ? answer.granted : undefined;
  }

  get connected(): boolean {
    return !this.closing && this.client.connected;
  }

  puback(messageId: number): void {
    (this.client as unknown as PacketWriter)._sendPacket({ cmd: 'puback', messageId });
  }

  async publish(topic: string, payload: Buffer, qos: 0 | 1, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos, retain });
  }

  /**
   * Sparkplug 3.0: a primary host that sees its STATE say offline while it is connected (another client, or a
   * will of an earlier session delivered late, overwrote it) publishes online again, so edge nodes do not
   * store while it can receive.
   */
  reassertOnline(payload: Buffer | string): void {
    if (this.closing) return;
    let online: unknown;
    try {
      online = (JSON.parse(payload.toString()) as { online?: unknown }).online;
    } catch {
      online = undefined;
    }
    if (online !== true) void this.publishHostState(true).catch(() => undefined);
  }

  /**
   * Sparkplug primary host: publishes this connection's STATE (retained, QoS 1). Online goes out once the
   * subscriptions are made, so no edge node forwards before the host can receive; offline before a clean close.
   */
  async publishHostState(online: boolean): Promise<void> {
    const topic = primaryHostStateTopic(this.config);
    if (!topic) return;
    try {
      await this.publish(topic, hostStatePayload(online, this.stateTimestamp), 1, true);
    } catch (cause) {
      throw new NotConnected(this.connector, this.endpoint, { cause });
    }
  }

  /**
   * `abrupt` drops the socket without DISCONNECT, as a crash would; otherwise a DISCONNECT keeps the
   * session (and the unacknowledged messages) for the next connection.
   */
  async close(abrupt = false): Promise<void> {
    this.closing = true;
    // A clean DISCONNECT suppresses the will: say offline first, as the will would have.
    if (!abrupt && this.client.connected) await this.publishHostState(false).catch(() => undefined);
    if (!abrupt && this.client.connected) await this.brokerCaughtUp();
    await new Promise<void>((resolve) => this.client.end(abrupt, () => resolve()));
  }

  /**
   * A PINGREQ answered: the broker handles a connection's packets in order, so it has now processed every
   * PUBACK sent before. Without this a source that connects right after close, with the same client id,
   * can reach the broker first; Mosquitto then drops this connection with the PUBACKs it had not read yet
   * and redelivers batches the gateway already acked. Gives up after connectTimeoutMs (or when the
   * connection drops): the worst case is then that redelivery.
   */
  private brokerCaughtUp(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.removeListener('packetreceive', answered);
        this.client.removeListener('close', done);
        resolve();
      };
      const answered = (packet: Packet) => packet.cmd === 'pingresp' && done();
      const timer = setTimeout(done, this.config.connectTimeoutMs);
      this.client.on('packetreceive', answered);
      this.client.once('close', done);
      this.client.sendPing();
    });
  }
}
