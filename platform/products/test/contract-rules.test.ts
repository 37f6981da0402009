import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka, readDlqHeaders } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { PRODUCED_BY_HEADER, type ReadRecord, readTopic, type StreamRecord } from '@fieldmesh/streams';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { defineDataProduct, defineDomain, DomainMetrics, type RunningDomain, startDomain } from '../src/index';

const cleanSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;

/** Converts clean power readings to watts; its contract allows at most 500 kW, the clean contract 1000 kW. */
const domain = defineDomain({
  name: 'fixture-rules',
  settings: z.strictObject({}),
  contractsRoot: join(import.meta.dirname, 'fixtures', 'fixture-rules'),
  products: {
    'power-in-watts': defineDataProduct({
      contract: 'fixture-rules.power-in-watts',
      pipeline: ({ output }) => {
        let readings = 0;
        return {
          handle: async (records: StreamRecord<unknown>[]) =>
            (records as StreamRecord<{ assetPath: string; readingTime: Date; value: number }>[]).map(({ value }) => {
              readings += 1;
              return { topic: output.topic, key: value.assetPath, value: { assetPath: value.assetPath, readingTime: value.readingTime, watts: value.value * 1000 } };
            }),
          stats: () => ({ readings }),
        };
      },
    }),
  },
});

describe('a product job on Kafka and the registry keeps its contracts’ rules', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const topics = { clean: `plant.telemetry.clean.v1.test-${id}`, watts: `fixture-rules.power-in-watts.v1.test-${id}` };
  const asset = (n: number) => `acme/site-${id}/hall/line-1/pump-${n}`;
  let running: RunningDomain;
  let outputs: ReadRecord[];
  let outputLetters: ReadRecord[];
  let inputLetters: ReadRecord[];

  beforeAll(async () => {
    const kafka = createKafka({ clientId: 'contract-rules-test', brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: topics.clean, partitions: 1, replicationFactor: 1 }]);
    await admin.disconnect();
    running = (await startDomain(domain, {
      kafka: { brokers: [brokers] },
      registryUrl,
      groups: { 'power-in-watts': `fixture-rules-${id}` },
      topics: { 'plant-telemetry.clean': topics.clean, 'fixture-rules.power-in-watts': topics.watts },
    })) as unknown as RunningDomain;

    const serde = new AvroSerde({ registryUrl });
    const writer = await serde.writerFor(topics.clean, cleanSchema);
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now() - 60_000;
    // 600 kW keeps the clean contract (at most 1000 kW) and breaks the product's (500 kW); 1200 kW breaks the clean contract.
    const kws = [10, 600, 20, 1_200, 30];
    await producer.send(
      kws.map((kw, i) => ({
        topic: topics.clean,
        key: asset(i),
        value: serde.encode(writer, {
          readingTime: t0 + i * 1_000,
          receivedTime: t0 + i * 1_000 + 50,
          gatewayId: 'gw-1',
          sequenceNumber: i + 1,
          deviceId: 'meter',
          assetPath: asset(i),
          signal: 'power',
          value: kw,
          valueText: null,
          unit: 'kW',
          sourceUnit: 'kW',
          quality: 'GOOD',
          qualityCode: null,
          sourceProtocol: 'OPC_UA',
          sourceAddress: `${asset(i)}/power`,
          isHistorical: false,
          arrival: 'IN_ORDER',
          operatorBadge: null,
          attributes: {},
        }),
      })),
    );
    await producer.disconnect();
    const read = (topic: string, count: number) => readTopic({ brokers, registryUrl, topic, timeoutMs: 60_000, until: (all) => all.length >= count });
    outputs = await read(topics.watts, 3);
    outputLetters = await read(`${topics.watts}.dlq`, 1);
    inputLetters = await read(`${topics.clean}.dlq`, 1);
  }, 180_000);

  afterAll(async () => {
    await running?.close();
  });

  it('produces the records that keep the rules, including those after a rule-breaking one', () => {
    expect(outputs.map((r) => [r.key, r.value.watts])).toEqual([
      [asset(0), 10_000],
      [asset(2), 20_000],
      [asset(4), 30_000],
    ]);
  });

  it('dead-letters an output that breaks its contract to the output’s DLQ, naming rule and field, decodable as the product', () => {
    expect(outputLetters).toHaveLength(1);
    const [letter] = outputLetters;
    const headers = readDlqHeaders(letter!.headers)!;
    expect(headers).toMatchObject({ topic: topics.watts, partition: -1, stage: 'validate-output', exceptionClassName: 'RecordBreaksContract' });
    expect(headers.exceptionMessage).toContain(
      `fixture-rules-power-in-watts produced a record of ${topics.watts} that breaks contract fixture-rules.power-in-watts: rule watts-at-most-500-kw on field watts: must be <= 500000, got 600000`,
    );
    expect(letter!.value).toMatchObject({ assetPath: asset(1), watts: 600_000 });
    expect(letter!.headers[PRODUCED_BY_HEADER]).toBe('fixture-rules-power-in-watts');
  });

  it('dead-letters an input that breaks the upstream contract to the input’s DLQ, unprocessed, with the reason', () => {
    expect(inputLetters).toHaveLength(1);
    const [letter] = inputLetters;
    const headers = readDlqHeaders(letter!.headers)!;
    expect(headers).toMatchObject({ topic: topics.clean, partition: 0, offset: '3', stage: 'validate-input', exceptionClassName: 'RecordBreaksContract' });
    expect(headers.exceptionMessage).toContain('rule power-plausible on field value: must be <= 1000, got 1200');
    expect(letter!.value).toMatchObject({ assetPath: asset(3), value: 1_200 });
  });

  it('counts what it dead-lettered and why, in its stats and its metrics', async () => {
    const stats = running.stats()['power-in-watts']!;
    expect(stats.pipeline).toEqual({ readings: 4 });
    expect(stats.job).toMatchObject({ recordsIn: 5, recordsOut: 3, deadLettered: { deserialize: 0, process: 0, validateInput: 1, validateOutput: 1 } });
    expect(stats.job.ruleViolations).toEqual(
      expect.arrayContaining([
        { side: 'output', topic: topics.watts, contract: 'fixture-rules.power-in-watts', rule: 'watts-at-most-500-kw', field: 'watts', count: 1 },
        { side: 'input', topic: topics.clean, contract: 'plant-telemetry.clean', rule: 'power-plausible', field: 'value', count: 1 },
      ]),
    );
    const text = await new DomainMetrics([running]).metrics();
    expect(text).toContain(
      `fieldmesh_stream_rule_violations_total{domain="fixture-rules",product="power-in-watts",side="output",topic="${topics.watts}",rule="watts-at-most-500-kw",field="watts"} 1`,
    );
    expect(text).toContain('fieldmesh_stream_dead_letters_total{domain="fixture-rules",product="power-in-watts",stage="validate-output"} 1');
  });
});
