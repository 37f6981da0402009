import { readFileSync } from 'node:fs';
import { createKafka, type OutgoingRecord } from '@fieldmesh/kafka';
import mqtt from 'mqtt';
import type { PipelineStage, StageContext } from './stage';

export interface BareBridgeOptions {
  /** MQTT topic filter to bridge, QoS 1. */
  filter: string;
  /** Kafka topic the messages go to (one record per MQTT message, key = MQTT topic). */
  topic: string;
  /** Points one message carries (1 for MQTT JSON; the DDATA batch size for Sparkplug). */
  pointsPerMessage: (mqttTopic: string) => number;
  /** Records per Kafka send, the gateway forwarder's default. */
  batchRecords?: number;
}

/**
 * The baseline: what moving MQTT messages into Kafka costs on this machine with nothing else done. An
 * mqtt.js subscriber (QoS 1, acknowledged on receipt) feeds the same Kafka producer port the gateway
 * uses (acks=all, idempotent, lz4), one send in flight like the gateway's forwarder; no decoding,
 * validation, Avro or disk buffer. Sparkplug payloads go over as they are, one record per message. It
 * connects as the context's data plane says (mTLS and SASL_SSL, or plain text).
 */
export async function startBareBridge(context: StageContext, options: BareBridgeOptions): Promise<PipelineStage> {
  const { plane } = context;
  const producer = createKafka({ clientId: 'bench-bare-bridge', brokers: [plane.kafkaBrokers], security: plane.kafkaSecurity }).producer();
  await producer.connect();
  const batchRecords = options.batchRecords ?? 2000;
  const pending: Array<{ record: OutgoingRecord; points: number }> = [];
  let received = 0;
  let forwarded = 0;
  let sending: Promise<void> | undefined;
  let failure: unknown;

  const drain = async () => {
    while (pending.length > 0) {
      const batch = pending.splice(0, batchRecords);
      await producer.send(batch.map((entry) => entry.record));
      for (const entry of batch) forwarded += entry.points;
    }
  };
  const kick = () => {
    if (sending || failure) return;
    sending = drain()
      .catch((error: unknown) => {
        failure = error;
      })
      .finally(() => {
        sending = undefined;
        // Messages that arrived after the loop's last check but before this callback.
        if (pending.length > 0) kick();
      });
  };
  const identity = plane.mqttIdentities?.bridge;
  const client = await mqtt.connectAsync(plane.mqttUrl, {
    clientId: `bench-bare-bridge-${process.pid}`,
    clean: true,
    protocolVersion: 5,
    ...(identity ? { ca: readFileSync(identity.caFile), cert: readFileSync(identity.certFile), key: readFileSync(identity.keyFile), rejectUnauthorized: true } : {}),
  });
  client.on('message', (mqttTopic, payload) => {
    const points = options.pointsPerMessage(mqttTopic);
    received += points;
    pending.push({ record: { topic: options.topic, key: mqttTopic, value: payload }, points });
    kick();
  });
  await client.subscribeAsync(options.filter, { qos: 1 });
  const checked = (count: number) => {
    if (failure) throw failure;
    return count;
  };
  return {
    name: 'bare bridge',
    counters: [
      { name: 'bare bridge in (mqtt.js)', unit: 'points', read: async () => checked(received) },
      { name: 'bare bridge → Kafka (acknowledged)', unit: 'points', read: async () => checked(forwarded) },
    ],
    ready: async () => undefined,
    close: async () => {
      await client.endAsync();
      await sending;
      await producer.disconnect();
    },
  };
}
