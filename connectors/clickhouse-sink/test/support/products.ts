import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { createKafka, type KafkaPort } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { REPO_ROOT } from '@fieldmesh/testing';

/** The raw telemetry contract under a topic of its own, so tests sharing the broker do not meet. */
export function rawContractOnOwnTopic(label: string): LoadedContract {
  const loaded = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
  const topic = `test.${label}-${randomUUID().slice(0, 8)}.raw.v1`;
  return { ...loaded, contract: { ...loaded.contract, kafka: { ...loaded.contract.kafka, topic, partitions: 3 } } };
}

const assets = ['acme/berlin/press-shop/line-1/press-1', 'acme/berlin/press-shop/line-1/press-2', 'acme/berlin/assembly/line-2/robot-1', 'acme/munich/paint/line-3/oven-1'];

/** A valid raw reading; the i-th of a test run, readings one second apart from `start`. */
export function rawReading(i: number, start = Date.UTC(2026, 10, 20, 23, 59, 0)) {
  return {
    readingTime: new Date(start + i * 1000 + 123),
    receivedTime: new Date(start + i * 1000 + 150),
    gatewayId: 'gw-test',
    sequenceNumber: BigInt(i),
    deviceId: `plc-${i % 4}`,
    assetPath: assets[i % assets.length]!,
    signal: i % 2 === 0 ? 'bearing_temperature' : 'vibration_rms',
    value: i % 10 === 9 ? null : 20 + (i % 50) / 10,
    valueText: i % 10 === 9 ? 'RUNNING' : null,
    unit: i % 2 === 0 ? 'Cel' : 'mm/s',
    quality: (['GOOD', 'UNCERTAIN', 'BAD'] as const)[i % 3]!,
    qualityCode: i % 5 === 0 ? BigInt(2_147_483_648 + i) : null,
    sourceProtocol: 'OPC_UA',
    sourceAddress: `ns=2;s=Plant.Asset${i % 4}`,
    isHistorical: i % 7 === 0,
    operatorBadge: null,
    attributes: i % 3 === 0 ? { opcuaDataType: 'Double', alias: String(i) } : {},
  };
}

export interface Producer {
  kafka: KafkaPort;
  /** Produces Avro values (Confluent framing) keyed by asset; returns how many. */
  produce(values: Array<Record<string, unknown>>): Promise<number>;
  /** Produces raw bytes or tombstones as they are. */
  produceRaw(values: Array<Buffer | null>): Promise<number>;
  close(): Promise<void>;
}

export async function productProducer(brokers: string, registryUrl: string, loaded: LoadedContract): Promise<Producer> {
  const kafka = createKafka({ clientId: 'sink-test', brokers: brokers.split(',') });
  const topic = loaded.contract.kafka.topic;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([{ topic, partitions: loaded.contract.kafka.partitions, replicationFactor: 1 }]);
  await admin.disconnect();
  const serde = new AvroSerde({ registryUrl, clientId: 'sink-test' });
  const writer = await serde.writerFor(topic, loaded.avroSchema);
  const producer = kafka.producer();
  await producer.connect();
  const key = loaded.contract.kafka.key;
  return {
    kafka,
    async produce(values) {
      for (let at = 0; at < values.length; at += 1000) {
        await producer.send(values.slice(at, at + 1000).map((value) => ({ topic, key: String(value[key]), value: serde.encode(writer, value) })));
      }
      return values.length;
    },
    async produceRaw(values) {
      await producer.send(values.map((value, i) => ({ topic, key: `raw-${i}`, value })));
      return values.length;
    },
    close: () => producer.disconnect(),
  };
}

/** Polls until `check` holds, failing with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
