import { resolve } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { compileContractRules, type ContractRules, loadAllContracts, type LoadedContract, RecordBreaksContract } from '@fieldmesh/governance';
import {
  createDlqTopic,
  createKafka,
  DlqWriter,
  dlqTopicFor,
  type ConsumedBatch,
  type ConsumedRecord,
  type DeadLetter,
  type KafkaConsumerPort,
  type KafkaProducerPort,
} from '@fieldmesh/kafka';
import type { LineageEmitter } from '@fieldmesh/lineage';
import { AvroSerde, DecodeError } from '@fieldmesh/serde';
import { dropExpiredPartitions, planTable, provisionTable, RowBinaryEncoder, RowEncodeFailed, type TableDrift, type TablePlan } from '@fieldmesh/warehouse';
import { openWarehouse, type Warehouse } from './client';
import { clickhouseSinkConfigSchema, type ClickhouseSinkConfig, type ClickhouseSinkSettings } from './config';
import { TombstoneRecord } from './errors';
import { TableOffsetStore } from './offset.store';
import { sinkLineageJob } from './sink.lineage';
import { isUnreachable, whenReachable } from './warehouse.retry';

/** Per product table: what went where since start. */
export interface TableStats {
  topic: string;
  table: string;
  /** Rows written to ClickHouse. */
  inserted: number;
  /** Records skipped because their (partition, offset) was already in the table (replays). */
  skippedStored: number;
  /** Records delivered twice within one batch (same partition and offset), written once. */
  skippedRepeated: number;
  /** Records dead-lettered with stage 'sink'. */
  deadLettered: number;
  /** Of deadLettered, records that broke a quality rule of the product's contract (RecordBreaksContract). */
  brokeRules: number;
  inserts: number;
}

export interface ClickhouseSinkStats {
  backend: 'chdb' | 'server';
  serverVersion: string;
  database: string;
  /** The cluster whose replicas it writes (`clickhouse.cluster`): analysts read each table's `<table>_all` then. */
  cluster?: string;
  tables: TableStats[];
  /** Mean rows per second of the inserts themselves (encode + INSERT), since start. */
  insertRowsPerSecond: number;
  /** Partitions dropped by the retention job (servers without TTL). */
  partitionsDropped: number;
}

export interface ClickhouseSinkHandle {
  stats(): ClickhouseSinkStats;
  /** Tables with their plans, as created for this server, and any drift found at start. */
  tables(): Array<{ plan: TablePlan; drift: TableDrift[] }>;
  warehouse: Warehouse;
  close(): Promise<void>;
}

export interface ClickhouseSinkDependencies {
  /** Contracts to sink instead of reading `contractsRoot` (tests give theirs unique topics). */
  contracts?: LoadedContract[];
  /** Warnings (server too old for TTL, drift); default console.warn. */
  warn?: (message: string) => void;
  /** Reports one OpenLineage run per product (topic → table, column by column). */
  lineage?: LineageEmitter;
  /** Gives up waiting for an unreachable ClickHouse at start (the caller shuts down first). */
  signal?: AbortSignal;
}

interface Product {
  plan: TablePlan;
  encoder: RowBinaryEncoder;
  /** The contract's quality rules, compiled once: a record breaking one never becomes a row. */
  rules: ContractRules;
  stats: TableStats;
}

const SINK_STAGE = 'sink';

/** Opens ClickHouse, creates or checks every product table and the offsets table; closes what it opened when a step fails. */
async function prepareWarehouse(settings: ClickhouseSinkSettings, contracts: LoadedContract[], warn: (message: string) => void) {
  const warehouse = await openWarehouse(settings.clickhouse);
  try {
    const provisioned: Array<{ plan: TablePlan; drift: TableDrift[] }> = [];
    for (const loaded of contracts) {
      const plan = planTable(loaded, warehouse.capabilities, { database: settings.clickhouse.database, cluster: settings.clickhouse.cluster });
      plan.warnings.forEach(warn);
      const { drift, widened } = await provisionTable(warehouse.client, plan);
      for (const w of widened) warn(`table ${plan.database}.${plan.table}: column ${w.column} gained ${w.added.join(', ')}, appended by contract ${loaded.contract.id}`);
      for (const d of drift)
        warn(
          `table ${plan.database}.${plan.table} differs from contract ${loaded.contract.id}: ${d.kind} ${d.subject} (expected ${d.expected}, is ${d.actual}); run the governance drift check`,
        );
      provisioned.push({ plan, drift });
    }
    const offsets = await TableOffsetStore.open(
      warehouse,
      settings.clickhouse.database,
      provisioned.map((p) => p.plan),
      settings.clickhouse.cluster,
    );
    return { warehouse, provisioned, offsets };
  } catch (error) {
    await warehouse.close().catch(() => undefined);
    throw error;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Kafka → ClickHouse for every product: one table per contract, one consumer group for all product
 * topics. Each batch: records already in the table are skipped (TableOffsetStore, asked afresh for each
 * batch), the rest are decoded and encoded as RowBinary, one INSERT per table, then records that cannot
 * become a row go to `<topic>.dlq` with stage 'sink', and only then does the consumer commit. A crash, an
 * insert whose answer was lost after it landed, or a partition moving to another instance of the group
 * replays the batch, and the replay adds exactly the rows that are missing: no duplicates, no gaps.
 * Started while the server is unreachable, it logs that it waits, retries with backoff and starts once
 * the server answers (the promise resolves then; `dependencies.signal` gives up).
 */
export async function startClickhouseSink(config: ClickhouseSinkConfig, dependencies: ClickhouseSinkDependencies = {}): Promise<ClickhouseSinkHandle> {
  const settings: ClickhouseSinkSettings = loadConfig(clickhouseSinkConfigSchema, config, 'ClickHouse sink config');
  const warn = dependencies.warn ?? ((message: string) => console.warn(`[clickhouse-sink] ${message}`));
  const all = dependencies.contracts ?? (await loadAllContracts(resolve(settings.contractsRoot)));
  const contracts = settings.products ? all.filter((c) => settings.products!.includes(c.contract.kafka.topic)) : all;
  const missing = (settings.products ?? []).filter((topic) => !contracts.some((c) => c.contract.kafka.topic === topic));
  if (missing.length > 0)
    throw new Error(`No contract for product(s) ${missing.join(', ')} under ${resolve(settings.contractsRoot)}/contracts: fix 'products' or add the contracts.`);
  if (contracts.length === 0) throw new Error(`No product to sink: no contract under ${resolve(settings.contractsRoot)}/contracts.`);

  // Once running, an unreachable server only fails batches, which come again; at start it is waited for.
  const { warehouse, provisioned, offsets } = await whenReachable(() => prepareWarehouse(settings, contracts, warn), {
    target: settings.clickhouse.url ? [settings.clickhouse.url, ...(settings.clickhouse.replicaUrls ?? [])].join(', ') : `chDB at ${resolve(settings.clickhouse.chdbPath)}`,
    warn,
    ...(dependencies.signal ? { signal: dependencies.signal } : {}),
  });
  const cleanups: Array<() => Promise<unknown>> = [() => warehouse.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const products = new Map<string, Product>();
    for (const [i, { plan }] of provisioned.entries()) {
      products.set(plan.topic, {
        plan,
        encoder: new RowBinaryEncoder(plan.columns),
        rules: compileContractRules(contracts[i]!),
        stats: { topic: plan.topic, table: plan.table, inserted: 0, skippedStored: 0, skippedRepeated: 0, deadLettered: 0, brokeRules: 0, inserts: 0 },
      });
    }
    const lineageRuns = dependencies.lineage
      ? contracts.map((loaded) =>
          dependencies.lineage!.run(
            sinkLineageJob(loaded, products.get(loaded.contract.kafka.topic)!.plan, { brokers: settings.kafka.brokers, server: settings.clickhouse.url ?? 'chdb' }),
          ),
        )
      : [];
    for (const run of lineageRuns) await run.start().catch((error: unknown) => warn(`lineage event not delivered: ${(error as Error).message}`));
    cleanups.push(async () => Promise.all(lineageRuns.map((run) => run.complete())));
    // A product's rows come only from the schema its contract pins: another version, even a legal one of the subject, is dead-lettered.
    const contractSchemas = Object.fromEntries(contracts.map((loaded) => [loaded.contract.kafka.topic, [loaded.avroSchema]]));
    const serde = new AvroSerde({ registryUrl: settings.registryUrl, clientId: settings.kafka.clientId, contractSchemas });
    const security = settings.kafka.security ? { security: settings.kafka.security } : {};
    const kafka = createKafka({ clientId: settings.kafka.clientId, brokers: settings.kafka.brokers, ...security });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Only the missing ones: the sink's own principal may write the DLQs provisioning made, not create topics.
      const listed = new Set(await admin.listTopics());
      for (const topic of products.keys()) if (!listed.has(dlqTopicFor(topic))) await createDlqTopic(admin, topic);
    } finally {
      await admin.disconnect();
    }
    const producer: KafkaProducerPort = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const dlq = new DlqWriter(producer);
    const consuming = createKafka({ clientId: settings.kafka.clientId, brokers: settings.kafka.brokers, client: settings.kafka.client, ...security });
    const consumer: KafkaConsumerPort = consuming.consumer({
      groupId: settings.groupId,
      topics: [...products.keys()],
      maxBatchRecords: settings.batch.maxRows,
      maxWaitMs: settings.batch.maxWaitMs,
    });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());

    let insertMs = 0;
    let insertedRows = 0;
    let lastInsertAt = 0;
    let partitionsDropped = 0;

    const handle = async ({ records }: ConsumedBatch): Promise<void> => {
      if (records.length < settings.batch.maxRows) {
        const wait = lastInsertAt + settings.batch.minIntervalMs - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const byTopic = new Map<string, ConsumedRecord[]>();
      for (const record of records) {
        const list = byTopic.get(record.topic);
        if (list) list.push(record);
        else byTopic.set(record.topic, [record]);
      }
      for (const [topic, list] of byTopic) {
        const product = products.get(topic);
        if (!product) continue;
        const letters = await writeTopic(product, list);
        if (letters.length > 0) {
          await dlq.write(letters);
          product.stats.deadLettered += letters.length;
          product.stats.brokeRules += letters.filter((letter) => letter.error instanceof RecordBreaksContract).length;
        }
      }
    };

    const writeTopic = async (product: Product, records: ConsumedRecord[]): Promise<DeadLetter[]> => {
      const { plan, encoder, rules, stats } = product;
      // Asked for every batch, never cached: after an insert whose answer was lost, or a partition that
      // another instance wrote before it came here, only the table knows what it holds.
      const stored = await offsets.stored(plan, records);
      const letters: DeadLetter[] = [];
      const started = performance.now();
      // A record comes once per batch even when the consumer hands it over twice: the table check above only
      // knows what earlier batches wrote (the 20-kill pipeline run found 1,488 duplicate rows in raw so).
      const inBatch = new Set<string>();
      try {
        for (const record of records) {
          const at = `${record.partition}:${record.offset}`;
          if (stored.has(at)) {
            stats.skippedStored += 1;
            continue;
          }
          if (inBatch.has(at)) {
            stats.skippedRepeated += 1;
            continue;
          }
          inBatch.add(at);
          if (record.value === null) {
            letters.push({ record, stage: SINK_STAGE, error: new TombstoneRecord(record.topic, record.partition, record.offset) });
            continue;
          }
          try {
            const { value } = await serde.decode<Record<string, unknown>>(record.value, { topic: record.topic });
            // The warehouse holds only what the contract promises: a record its producer should have dead-lettered is dead-lettered here.
            const violations = rules.check(value);
            if (violations.length > 0) {
              letters.push({ record, stage: SINK_STAGE, error: new RecordBreaksContract(rules.contract, record.topic, 'input', violations, 'clickhouse-sink') });
              continue;
            }
            encoder.append(value, record);
          } catch (error) {
            if (!(error instanceof DecodeError) && !(error instanceof RowEncodeFailed)) throw error;
            letters.push({ record, stage: SINK_STAGE, error });
          }
        }
      } catch (error) {
        // The batch comes again (registry down, say): it must start from an empty encoder.
        encoder.take();
        throw error;
      }
      const rows = encoder.rows;
      const bytes = encoder.take();
      if (rows > 0) {
        await offsets.willWrite(plan, records);
        await warehouse.insertRowBinary(plan, bytes);
        insertMs += performance.now() - started;
        insertedRows += rows;
        lastInsertAt = Date.now();
        stats.inserted += rows;
        stats.inserts += 1;
      }
      return letters;
    };

    await consumer.run(async (batch) => {
      try {
        await handle(batch);
      } catch (error) {
        // Not committed: the consumer delivers the batch again after its backoff, through another replica when this one is down.
        warn(`a batch of ${batch.records.length} records failed and will be delivered again: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        if (isUnreachable(error)) {
          const to = await warehouse.failover(settings.clickhouse.database).catch(() => undefined);
          if (to) warn(`failed over to the ClickHouse replica ${to}: it holds every part inserted through the others`);
        }
        throw error;
      }
    });

    let retentionTimer: NodeJS.Timeout | undefined;
    if (!warehouse.capabilities.ttl) {
      const enforce = async () => {
        for (const { plan } of products.values()) {
          const dropped = await dropExpiredPartitions(warehouse.client, plan).catch((error: unknown) => {
            const message = (error as Error).message;
            // An insert-only sink user (allow_ddl = 0, what `products apply` installs) may not drop partitions: the admin's timer does.
            const hint = /DDL queries are prohibited/.test(message)
              ? "this user may not drop partitions: run 'fieldmesh warehouse retention' as the warehouse's admin (a daily timer); "
              : '';
            warn(`retention job on ${plan.table} failed: ${message}; ${hint}it runs again in ${settings.retentionCheckIntervalMs} ms`);
            return [];
          });
          partitionsDropped += dropped.length;
        }
      };
      await enforce();
      retentionTimer = setInterval(() => void enforce(), settings.retentionCheckIntervalMs);
      retentionTimer.unref();
    }

    let closed: Promise<void> | undefined;
    return {
      warehouse,
      tables: () => provisioned,
      stats: () => ({
        backend: warehouse.backend,
        serverVersion: warehouse.capabilities.version,
        database: settings.clickhouse.database,
        ...(settings.clickhouse.cluster ? { cluster: settings.clickhouse.cluster } : {}),
        tables: [...products.values()].map((p) => ({ ...p.stats })),
        insertRowsPerSecond: insertMs > 0 ? Math.round((insertedRows / insertMs) * 1000) : 0,
        partitionsDropped,
      }),
      close: () => {
        closed ??= (async () => {
          if (retentionTimer) clearInterval(retentionTimer);
          await closeAll();
        })();
        return closed;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
