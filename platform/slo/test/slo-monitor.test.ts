import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import { createKafka, type KafkaConsumerPort, type KafkaPort, type KafkaProducerPort } from '@fieldmesh/kafka';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readSloEvents, startSloMonitor, type SloEvent, type SloMonitor } from '../src/index';

const LINE_1 = 'acme/berlin/press-shop/line-1';
const LINE_2 = 'acme/berlin/press-shop/line-2';
const ASSETS_PER_LINE = 4;
const SENDS_PER_SECOND = 10;
const MAX_AGE_MS = 3_000;
const WINDOW_MS = 6_000;

const id = randomUUID().slice(0, 8);
const productTopic = `slo-test.readings-${id}.v1`;
const alertsTopic = `slo-test.alerts-${id}.v1`;
const sloTopic = `_fieldmesh.slo.test-${id}`;
let kafka: KafkaPort;
let producer: KafkaProducerPort;
let monitor: SloMonitor;
let sloReader: KafkaConsumerPort;
/** SLO events as they appear on the topic, with when the test saw them. */
const seen: Array<{ event: SloEvent; seenMs: number }> = [];
const stoppedLines = new Set<string>();
let sending: NodeJS.Timeout;
let sendError: unknown;

/** An event-driven product like asset-health.alerts whose maxAge is shorter than the readings': it must not set the pace. */
function alertsContract(): LoadedContract {
  const alerts = loadContract(join(REPO_ROOT, 'contracts/asset-health/alerts.yaml'), REPO_ROOT);
  return {
    ...alerts,
    contract: {
      ...alerts.contract,
      id: `slo-test.alerts-${id}`,
      kafka: { ...alerts.contract.kafka, topic: alertsTopic, partitions: 1 },
      slos: { ...alerts.contract.slos, freshness: { maxAge: 'PT2S', basis: 'event-driven' } },
    },
  };
}

/** A product like plant-telemetry.raw with short SLOs so a stop shows in seconds. */
function testContract(): LoadedContract {
  const raw = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
  return {
    ...raw,
    contract: {
      ...raw.contract,
      id: `slo-test.readings-${id}`,
      kafka: { ...raw.contract.kafka, topic: productTopic, partitions: 3 },
      slos: { freshness: { maxAge: 'PT3S' }, completeness: { minRatio: 0.9, window: 'PT6S' } },
    },
  };
}

function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = find();
      if (found !== undefined) {
        clearInterval(poll);
        resolve(found);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`${what} did not appear on ${sloTopic} within ${timeoutMs} ms; seen: ${JSON.stringify(seen.map((s) => s.event.message))}`));
      }
    }, 20);
  });
}

function seenEvent(type: SloEvent['type'], slo: SloEvent['slo'], scope: string, afterMs: number) {
  return seen.find((s) => s.event.type === type && s.event.slo === slo && s.event.scope === scope && s.seenMs >= afterMs);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  kafka = createKafka({ clientId: 'slo-monitor-test', brokers: inject('kafkaBrokers').split(',') });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([
    { topic: productTopic, partitions: 3, replicationFactor: 1 },
    { topic: alertsTopic, partitions: 1, replicationFactor: 1 },
  ]);
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  // Two lines of four assets, each asset one record per 100 ms: 40 records a second per line.
  sending = setInterval(() => {
    const records = [LINE_1, LINE_2]
      .filter((line) => !stoppedLines.has(line))
      .flatMap((line) => Array.from({ length: ASSETS_PER_LINE }, (_, i) => ({ topic: productTopic, key: `${line}/pump-${i + 1}`, value: Buffer.from('{}') })));
    producer.send(records).catch((error: unknown) => (sendError = error));
  }, 1000 / SENDS_PER_SECOND);
});

afterAll(async () => {
  clearInterval(sending);
  await monitor?.close();
  await sloReader?.disconnect();
  await producer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics([productTopic, alertsTopic, sloTopic]).catch(() => undefined);
  await admin.disconnect();
});

describe('SLO monitor on real Kafka', () => {
  it('publishes a freshness breach of a stopped line within one maxAge plus a tick, and its recovery after it resumes; a silent event-driven product beside it is never breached', async () => {
    const perLine = ASSETS_PER_LINE * SENDS_PER_SECOND;
    const readings = `slo-test.readings-${id}`;
    monitor = await startSloMonitor({
      kafka,
      contracts: [testContract(), alertsContract()],
      expectations: { [readings]: { [LINE_1]: perLine, [LINE_2]: perLine } },
      topic: sloTopic,
    });
    expect(monitor.tickMs).toBe(MAX_AGE_MS / 4);
    // One alert, then silence for the rest of the test: many times its 2 s maxAge.
    await producer.send([{ topic: alertsTopic, key: `${LINE_1}/pump-1`, value: Buffer.from('{}') }]);
    sloReader = kafka.consumer({ groupId: `slo-test-reader-${id}`, topics: [sloTopic], fromBeginning: true, maxWaitMs: 50 });
    await sloReader.connect();
    await sloReader.run(async (batch) => {
      for (const record of batch.records) seen.push({ event: JSON.parse(record.value!.toString()) as SloEvent, seenMs: Date.now() });
    });

    // A full completeness window of both lines delivering in full.
    await sleep(WINDOW_MS + 1_000);
    expect(sendError).toBeUndefined();
    expect(seen).toEqual([]);
    for (const status of monitor.status().filter((s) => s.product === readings)) {
      expect({ slo: status.slo, scope: status.scope, state: status.state }).toEqual({ slo: status.slo, scope: status.scope, state: 'ok' });
    }

    const stoppedMs = Date.now();
    stoppedLines.add(LINE_2);
    const breach = await waitFor(() => seenEvent('BREACHED', 'freshness', LINE_2, stoppedMs), MAX_AGE_MS + 5_000, `BREACHED freshness of ${LINE_2}`);
    const detectionMs = Date.parse(breach.event.at) - stoppedMs;
    const visibleMs = breach.seenMs - stoppedMs;
    console.log(
      `SLO breach of a stopped line: detected ${detectionMs} ms after the stop, on ${sloTopic} after ${visibleMs} ms (maxAge ${MAX_AGE_MS} ms, tick ${monitor.tickMs} ms)`,
    );
    expect(breach.event).toMatchObject({ product: `slo-test.readings-${id}`, topic: productTopic, objective: MAX_AGE_MS });
    expect(breach.event.observed).toBeGreaterThan(MAX_AGE_MS);
    // The last record came at most one send interval before the stop; the breach shows at the first tick past maxAge.
    expect(visibleMs).toBeLessThan(MAX_AGE_MS + monitor.tickMs + 1_000);
    expect(seenEvent('BREACHED', 'completeness', LINE_2, stoppedMs)).toBeDefined();
    expect(seen.filter((s) => s.event.scope === LINE_1 || (s.event.slo === 'freshness' && s.event.scope === '*'))).toEqual([]);

    const resumedMs = Date.now();
    stoppedLines.delete(LINE_2);
    const recovery = await waitFor(() => seenEvent('RECOVERED', 'freshness', LINE_2, resumedMs), 3_000, `RECOVERED freshness of ${LINE_2}`);
    console.log(`SLO recovery: freshness ${recovery.seenMs - resumedMs} ms after the line resumed`);
    expect(recovery.event.observed).toBeLessThanOrEqual(MAX_AGE_MS);
    // Completeness recovers once the gap has left its window and the ratio held for a tenth of it.
    const completeness = await waitFor(() => seenEvent('RECOVERED', 'completeness', LINE_2, resumedMs), WINDOW_MS + 3_000, `RECOVERED completeness of ${LINE_2}`);
    console.log(`SLO recovery: completeness ${completeness.seenMs - resumedMs} ms after the line resumed (window ${WINDOW_MS} ms)`);

    // Each transition once: the breach and recovery of each SLO of line 2 (and the product's completeness dip).
    const line2 = seen.filter((s) => s.event.scope === LINE_2).map((s) => `${s.event.type} ${s.event.slo}`);
    expect(line2.sort()).toEqual(['BREACHED completeness', 'BREACHED freshness', 'RECOVERED completeness', 'RECOVERED freshness']);
    expect(monitor.events()).toEqual(seen.map((s) => s.event));
    expect(monitor.status().find((s) => s.slo === 'freshness' && s.scope === LINE_2)).toMatchObject({ state: 'ok' });

    const read = await readSloEvents(kafka, sloTopic);
    expect(read).toEqual(seen.map((s) => s.event));

    expect(seen.filter((s) => s.event.topic === alertsTopic)).toEqual([]);
    const alertsFreshness = monitor.status().filter((s) => s.topic === alertsTopic && s.slo === 'freshness');
    expect(alertsFreshness.map((s) => s.scope)).toEqual(['*', LINE_1]);
    for (const status of alertsFreshness) {
      expect(status).toMatchObject({ state: 'unknown', objective: 2_000 });
      expect(status.observed).toBeGreaterThan(WINDOW_MS);
      expect(status.reason).toMatch(/^Not applicable: the contract's freshness basis is event-driven, .*\(newest record \d+(\.\d)? s old\)\.$/);
    }
  });

  it('refuses to watch a product whose topic does not exist, saying how to provision it', async () => {
    const missing = testContract();
    missing.contract = { ...missing.contract, kafka: { ...missing.contract.kafka, topic: `slo-test.missing-${id}.v1` } };
    await expect(startSloMonitor({ kafka, contracts: [missing], topic: sloTopic })).rejects.toThrow(
      /slo-test\.missing-.*\.v1: the topic does not exist\. Provision the data products first/,
    );
  });

  it('reads no events from an SLO topic that does not exist yet', async () => {
    expect(await readSloEvents(kafka, `_fieldmesh.slo.none-${id}`)).toEqual([]);
  });
});
