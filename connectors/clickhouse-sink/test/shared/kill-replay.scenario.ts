import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '@fieldmesh/testing';
import { expect, inject, it } from 'vitest';
import type { ClickhouseSinkConfig, TableStats } from '../../src/index';
import { productProducer, rawContractOnOwnTopic, rawReading, waitFor } from '../support/products';

const script = fileURLToPath(new URL('../fixtures/sink-process.ts', import.meta.url));

interface SinkState {
  stats: TableStats;
  rows: number;
  unique: number;
}

/** The sink in a child process, with its latest reported state. */
function runSink(config: ClickhouseSinkConfig, contract: unknown) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config), JSON.stringify(contract)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state: { latest?: SinkState; stderr: string } = { stderr: '' };
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('STATE ')) state.latest = JSON.parse(line.slice(6)) as SinkState;
  });
  child.stderr!.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
  return { child, state, exited };
}

/**
 * kill -9 of the sink process mid-stream, twice, then a restart: ClickHouse ends with exactly one row
 * per Kafka record. `verify` reads the table after the last sink process has exited (chDB allows one
 * process per data path).
 */
export function killReplayScenario(
  backend: string,
  clickhouse: (database: string) => NonNullable<ClickhouseSinkConfig['clickhouse']>,
  verify: (table: string) => Promise<{ rows: number; unique: number }>,
): void {
  it(`on ${backend}, kill -9 of the sink mid-batch and a replay leave one row per Kafka record: no duplicates, no gaps`, async () => {
    const brokers = inject('kafkaBrokers');
    const registryUrl = inject('registryUrl');
    const contract = rawContractOnOwnTopic('kill');
    const total = 30_000;
    const producer = await productProducer(brokers, registryUrl, contract);
    await producer.produce(Array.from({ length: total }, (_, i) => rawReading(i)));
    const admin = producer.kafka.admin();
    await admin.connect();
    const inKafka = (await admin.fetchTopicEndOffsets(contract.contract.kafka.topic)).reduce((sum, p) => sum + Number(p.offset), 0);
    await admin.disconnect();
    await producer.close();
    expect(inKafka).toBe(total);

    const database = `kill_${randomUUID().slice(0, 8)}`;
    const config: ClickhouseSinkConfig = {
      kafka: { brokers: brokers.split(',') },
      registryUrl,
      groupId: `sink-kill-${randomUUID().slice(0, 8)}`,
      clickhouse: clickhouse(database),
      batch: { maxRows: 1_000, maxWaitMs: 100, minIntervalMs: 0 },
    };
    // Each kill lands while the sink is busy catching up, between or inside inserts of 1000-row batches.
    for (const killAt of [total / 4, total / 2]) {
      const sink = runSink(config, contract);
      await waitFor(`the sink to insert ${killAt} rows (stderr: ${sink.state.stderr.slice(-500)})`, () => (sink.state.latest?.rows ?? 0) >= killAt, 90_000);
      sink.child.kill('SIGKILL');
      expect(await sink.exited).toBe('SIGKILL');
      expect(sink.state.latest!.rows).toBeLessThan(total);
    }
    const last = runSink(config, contract);
    await waitFor(`all ${total} rows (stderr: ${last.state.stderr.slice(-500)})`, () => (last.state.latest?.rows ?? 0) >= total, 90_000);
    // Time for a wrongly replayed batch to show up as extra rows before the count is taken.
    await new Promise((done) => setTimeout(done, 1_500));
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
    expect(await verify(`${database}.${contract.contract.kafka.topic.replace(/[^A-Za-z0-9]+/g, '_')}`)).toEqual({ rows: inKafka, unique: inKafka });
  });
}
