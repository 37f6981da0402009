import { randomUUID } from 'node:crypto';
import type { LoadedContract } from '@fieldmesh/governance';
import { DlqHeaders, dlqTopicFor } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { describeTable, dropExpiredPartitions, tableDrift } from '@fieldmesh/warehouse';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startClickhouseSink, type ClickhouseSinkConfig, type ClickhouseSinkHandle } from '../../src/index';
import { productProducer, rawContractOnOwnTopic, rawReading, waitFor } from '../support/products';

/** What differs between the backends: where the sink writes. Everything else is the same spec. */
export interface SinkBackend {
  name: 'chdb' | 'server';
  clickhouse(database: string): NonNullable<ClickhouseSinkConfig['clickhouse']>;
}

const count = async (sink: ClickhouseSinkHandle, sql: string): Promise<number> => {
  const result = await sink.warehouse.client.query({ query: sql, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? Number.NaN);
};

/** The ClickHouse scenarios every backend must pass (as clickhouse-js runs its shared specs on each). */
export function sinkScenarios(backend: SinkBackend): void {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const running: ClickhouseSinkHandle[] = [];
  const warnings: string[] = [];

  afterEach(async () => {
    for (const sink of running.splice(0)) await sink.close();
  });

  async function start(contract: LoadedContract, options: { database: string; groupId?: string }) {
    const sink = await startClickhouseSink(
      {
        kafka: { brokers: brokers.split(',') },
        registryUrl,
        groupId: options.groupId ?? `sink-${randomUUID().slice(0, 8)}`,
        clickhouse: backend.clickhouse(options.database),
        batch: { maxRows: 500, maxWaitMs: 100, minIntervalMs: 0 },
      },
      { contracts: [contract], warn: (message) => warnings.push(message) },
    );
    running.push(sink);
    return sink;
  }

  const database = () => `sink_${backend.name}_${randomUUID().slice(0, 8)}`;
  const tableOf = (sink: ClickhouseSinkHandle) => {
    const plan = sink.tables()[0]!.plan;
    return `${plan.database}.${plan.table}`;
  };

  describe(`ClickHouse sink on ${backend.name}`, () => {
    it('stores every record of a product once, with its Kafka partition and offset', async () => {
      const contract = rawContractOnOwnTopic('rows');
      const producer = await productProducer(brokers, registryUrl, contract);
      const produced = await producer.produce(Array.from({ length: 2_000 }, (_, i) => rawReading(i)));
      await producer.close();
      const sink = await start(contract, { database: database() });
      const table = tableOf(sink);
      await waitFor('2000 rows', async () => (await count(sink, `SELECT count() AS n FROM ${table}`)) >= produced);
      expect(await count(sink, `SELECT count() AS n FROM ${table}`)).toBe(produced);
      expect(await count(sink, `SELECT uniqExact(_partition, _offset) AS n FROM ${table}`)).toBe(produced);
      expect(await count(sink, `SELECT uniqExact(_partition) AS n FROM ${table}`)).toBe(3);
      // Values come back as the producer wrote them: enum, nullable long above 2^31, map, and time.
      const result = await sink.warehouse.client.query({
        query: `SELECT assetPath, quality, toString(qualityCode) AS qualityCode, value, valueText, isHistorical, toUnixTimestamp(readingTime) AS seconds FROM ${table} WHERE sequenceNumber = 5`,
        format: 'JSONEachRow',
      });
      const expected = rawReading(5);
      expect(await result.json()).toEqual([
        {
          assetPath: expected.assetPath,
          quality: expected.quality,
          qualityCode: String(expected.qualityCode),
          value: expected.value,
          valueText: null,
          isHistorical: 0,
          seconds: expect.anything(),
        },
      ]);
      const mapped = await count(
        sink,
        backend.name === 'chdb'
          ? `SELECT countIf(attributes['alias'] = toString(sequenceNumber)) AS n FROM ${table}`
          : `SELECT countIf(attributes.value[indexOf(attributes.key, 'alias')] = toString(sequenceNumber)) AS n FROM ${table}`,
      );
      expect(mapped).toBe(Math.ceil(produced / 3));
    });

    it('dead-letters records that cannot become rows with stage sink and stores the rest', async () => {
      const contract = rawContractOnOwnTopic('dlq');
      const producer = await productProducer(brokers, registryUrl, contract);
      await producer.produce(Array.from({ length: 50 }, (_, i) => rawReading(i)));
      await producer.produceRaw([Buffer.from('not avro at all'), null, Buffer.from([0, 0, 0, 0, 1, 2])]);
      await producer.produce(Array.from({ length: 50 }, (_, i) => rawReading(50 + i)));
      const sink = await start(contract, { database: database() });
      const table = tableOf(sink);
      await waitFor('100 rows and 3 dead letters', () => {
        const [stats] = sink.stats().tables;
        return (stats?.inserted ?? 0) >= 100 && (stats?.deadLettered ?? 0) >= 3;
      });
      expect(await count(sink, `SELECT count() AS n FROM ${table}`)).toBe(100);
      const letters: Array<{ stage: string; offset: string }> = [];
      const consumer = producer.kafka.consumer({ groupId: `dlq-reader-${randomUUID()}`, topics: [dlqTopicFor(contract.contract.kafka.topic)], maxWaitMs: 100 });
      await consumer.connect();
      await consumer.run(async ({ records }) => {
        for (const r of records) letters.push({ stage: r.headers[DlqHeaders.stage]!.toString(), offset: r.headers[DlqHeaders.offset]!.toString() });
      });
      await waitFor('3 dead letters on the DLQ topic', () => letters.length >= 3);
      await consumer.disconnect();
      await producer.close();
      expect(letters.map((l) => l.stage)).toEqual(['sink', 'sink', 'sink']);
    });

    it("dead-letters records framed with another subject's schema or a version its contract does not pin, and stores the rest", async () => {
      const contract = rawContractOnOwnTopic('untrusted');
      const topic = contract.contract.kafka.topic;
      const producer = await productProducer(brokers, registryUrl, contract);
      const schema = contract.avroSchema as unknown as { name: string; fields: object[] };
      const serde = new AvroSerde({ registryUrl });
      const otherSubject = await serde.writerFor(`${topic}.other`, { ...schema, name: 'ForgedReading' });
      const unpinned = await serde.writerFor(topic, { ...schema, fields: [...schema.fields, { name: 'shift', type: ['null', 'string'], default: null }] });
      await producer.produce(Array.from({ length: 10 }, (_, i) => rawReading(i)));
      await producer.produceRaw([serde.encode(otherSubject, rawReading(10)), serde.encode(unpinned, rawReading(11))]);
      await producer.produce(Array.from({ length: 10 }, (_, i) => rawReading(20 + i)));
      const sink = await start(contract, { database: database() });
      await waitFor('20 rows and 2 dead letters', () => {
        const [stats] = sink.stats().tables;
        return (stats?.inserted ?? 0) >= 20 && (stats?.deadLettered ?? 0) >= 2;
      });
      expect(await count(sink, `SELECT count() AS n FROM ${tableOf(sink)}`)).toBe(20);
      const classes: string[] = [];
      const consumer = producer.kafka.consumer({ groupId: `dlq-reader-${randomUUID()}`, topics: [dlqTopicFor(topic)], maxWaitMs: 100 });
      await consumer.connect();
      await consumer.run(async ({ records }) => {
        for (const r of records) classes.push(r.headers[DlqHeaders.exceptionClassName]!.toString());
      });
      await waitFor('2 dead letters on the DLQ topic', () => classes.length >= 2);
      await consumer.disconnect();
      await producer.close();
      expect(classes.sort()).toEqual(['SchemaNotInContract', 'SchemaNotInSubject']);
    });

    it("dead-letters records that break the contract's quality rules, naming rule and field, and stores the rest", async () => {
      const contract = rawContractOnOwnTopic('rules');
      const topic = contract.contract.kafka.topic;
      const producer = await productProducer(brokers, registryUrl, contract);
      await producer.produce(Array.from({ length: 10 }, (_, i) => rawReading(i)));
      // Well-formed Avro of the pinned schema, but a producer that skipped the contract's rules wrote them.
      await producer.produce([
        { ...rawReading(10), assetPath: 'not-an-isa95-path' },
        { ...rawReading(11), sequenceNumber: -1n },
      ]);
      await producer.produce(Array.from({ length: 10 }, (_, i) => rawReading(20 + i)));
      const sink = await start(contract, { database: database() });
      await waitFor('20 rows and 2 dead letters', () => {
        const [stats] = sink.stats().tables;
        return (stats?.inserted ?? 0) >= 20 && (stats?.deadLettered ?? 0) >= 2;
      });
      expect(await count(sink, `SELECT count() AS n FROM ${tableOf(sink)}`)).toBe(20);
      expect(sink.stats().tables[0]).toMatchObject({ inserted: 20, deadLettered: 2, brokeRules: 2 });
      const letters: Array<{ stage: string; className: string; message: string }> = [];
      const consumer = producer.kafka.consumer({ groupId: `dlq-reader-${randomUUID()}`, topics: [dlqTopicFor(topic)], maxWaitMs: 100 });
      await consumer.connect();
      await consumer.run(async ({ records }) => {
        for (const r of records)
          letters.push({
            stage: r.headers[DlqHeaders.stage]!.toString(),
            className: r.headers[DlqHeaders.exceptionClassName]!.toString(),
            message: r.headers[DlqHeaders.exceptionMessage]!.toString(),
          });
      });
      await waitFor('2 dead letters on the DLQ topic', () => letters.length >= 2);
      await consumer.disconnect();
      await producer.close();
      expect(letters.map((l) => [l.stage, l.className])).toEqual([
        ['sink', 'RecordBreaksContract'],
        ['sink', 'RecordBreaksContract'],
      ]);
      // The two may come from different partitions, so in either order.
      expect(letters.map((l) => l.message)).toEqual(
        expect.arrayContaining([
          expect.stringContaining("rule asset-path-is-isa95 on field assetPath: must match ^[^/]+(/[^/]+){2,5}$, got 'not-an-isa95-path'"),
          expect.stringContaining('rule sequence-non-negative on field sequenceNumber: must be >= 0, got -1'),
        ]),
      );
    });

    it('after a lost consumer group and a partly lost insert, a replay adds exactly the missing rows', async () => {
      const contract = rawContractOnOwnTopic('replay');
      const producer = await productProducer(brokers, registryUrl, contract);
      // Readings cross midnight: the table gets two daily partitions, like an insert that wrote two parts.
      await producer.produce(Array.from({ length: 600 }, (_, i) => rawReading(i)));
      const db = database();
      const first = await start(contract, { database: db });
      const table = tableOf(first);
      await waitFor('600 rows', async () => (await count(first, `SELECT count() AS n FROM ${table}`)) >= 600);
      // One of the two parts lost, as if the process died between them.
      await first.warehouse.client.command({ query: `ALTER TABLE ${table} DROP PARTITION 20261120` });
      const left = await count(first, `SELECT count() AS n FROM ${table}`);
      expect(left).toBe(600 - 60);
      await first.close();
      running.splice(running.indexOf(first), 1);
      await producer.produce(Array.from({ length: 400 }, (_, i) => rawReading(600 + i)));
      await producer.close();
      // A new group starts from the beginning of the topic: every old record is replayed.
      const second = await start(contract, { database: db });
      await waitFor('1000 records handled', () => {
        const [s] = second.stats().tables;
        return (s?.inserted ?? 0) + (s?.skippedStored ?? 0) >= 1000;
      });
      const [stats] = second.stats().tables;
      expect(stats).toMatchObject({ inserted: 60 + 400, skippedStored: 540 });
      expect(await count(second, `SELECT count() AS n FROM ${table}`)).toBe(1000);
      expect(await count(second, `SELECT uniqExact(_partition, _offset) AS n FROM ${table}`)).toBe(1000);
    });

    it('creates the table the contract implies on this server, and keeps rows only for the warehouse retention', async () => {
      const contract = rawContractOnOwnTopic('retention');
      const producer = await productProducer(brokers, registryUrl, contract);
      const old = Date.now() - 200 * 86_400_000;
      await producer.produce([...Array.from({ length: 20 }, (_, i) => rawReading(i, old)), ...Array.from({ length: 20 }, (_, i) => rawReading(i, Date.now() - 60_000))]);
      await producer.close();
      const sink = await start(contract, { database: database() });
      const plan = sink.tables()[0]!.plan;
      const table = tableOf(sink);
      expect(tableDrift(plan, await describeTable(sink.warehouse.client, plan.database, plan.table))).toEqual([]);
      await waitFor('40 rows, or 20 once TTL removed the old ones', async () => sink.stats().tables[0]!.inserted >= 40);
      if (plan.capabilities.ttl) {
        expect(plan.ttl).toContain('INTERVAL 90 DAY');
        await sink.warehouse.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
      } else {
        expect(plan.ttl).toBeUndefined();
        expect(warnings.some((w) => w.includes('has no TTL') && w.includes(plan.table))).toBe(true);
        expect((await dropExpiredPartitions(sink.warehouse.client, plan)).length).toBeGreaterThan(0);
      }
      expect(await count(sink, `SELECT count() AS n FROM ${table}`)).toBe(20);
    });
  });
}
