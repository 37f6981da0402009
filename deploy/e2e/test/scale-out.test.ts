import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@fieldmesh/kafka';
import { type AnyDomain, discoverDomains, driveDomain, REPO_ROOT } from '@fieldmesh/products';
import { AvroSerde } from '@fieldmesh/serde';
import { type ReadRecord, readTopic, type StreamOutput } from '@fieldmesh/streams';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { KillableProcess } from '../src/index';

/** Kills (alternating instances, the first kill hits instance 0, which runs energy's job); `npm run test:long:scale-out` sets more. */
const KILLS = Number(process.env.FIELDMESH_SCALE_OUT_KILLS ?? '1');
/** Simulated seconds of the plant: two lines of four assets, one reading every 2 s per signal. */
const PLANT_SECONDS = Number(process.env.FIELDMESH_SCALE_OUT_SECONDS ?? '720');
/**
 * The plant's clock starts an hour before its run and tail would end, 6 min 40 s into a quarter hour, so that its
 * 12 minutes close an energy window. Not a fixed date: the outputs carry their windows' times, and the broker deletes
 * records older than a topic's retention (the contracts' P7D) at its next retention check, mid-test.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const START_MS = Math.floor((Date.now() - (PLANT_SECONDS + 180) * 1000 - 3_600_000) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + 400_000;
/**
 * Readings per send, as a plant sends them: a few seconds of event time. A send's records reach the partitions
 * one by one, and the windows take a partition with nothing yet to come as holding nothing back (a quiet line must
 * not stop time): one send of 70 s of readings after a pause let one partition close windows whose readings another
 * partition was still being given, beyond the features' 5 s lateness, which one instance in memory never sees.
 */
const SEND_RECORDS = 100;
const cleanSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'plant-telemetry', 'CleanReading.avsc'), 'utf8')) as object;

interface CleanValue {
  readingTime: Date;
  assetPath: string;
  signal: string;
  value: number;
  unit: string;
  [field: string]: unknown;
}

/** Records the simulated plant with the simulator's CLI and turns each numeric cell into a clean reading, in time order. */
function plantReadings(dir: string, id: string): CleanValue[] {
  const config = join(dir, 'plant.config.yaml');
  writeFileSync(
    config,
    stringify({
      seed: 11,
      startTimeMs: START_MS,
      plant: { linesPerSite: 2 },
      rate: 0.5,
      durationSeconds: PLANT_SECONDS,
      // One alert that closes itself (normal again for longer than autoCloseAfterWindows), one still open at the end.
      failures: [
        { asset: 'line-1/pump-1', mode: 'overheating', at: 60, duration: 240 },
        { asset: 'line-2/compressor-1', mode: 'overheating', at: Math.round(PLANT_SECONDS / 2), duration: PLANT_SECONDS },
      ],
    }),
  );
  const csv = join(dir, 'plant.csv');
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['deploy/simulator/src/main.ts', 'record', '--config', config, '--out', csv], { cwd: REPO_ROOT, stdio: 'pipe' });
  const mapping = parseYaml(readFileSync(join(dir, 'plant.mapping.yaml'), 'utf8')) as { columns: Array<{ column: string; asset: string; signal: string; unit: string }> };
  const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const readings: CleanValue[] = [];
  for (const row of rows) {
    const cells = row.split(',');
    const timeMs = Date.parse(cells[0]!);
    for (const { column, asset, signal, unit } of mapping.columns) {
      const value = Number(cells[columns.indexOf(column)]);
      if (Number.isFinite(value)) readings.push(cleanReading(id, readings.length + 1, timeMs, asset, signal, value, unit));
    }
  }
  return readings;
}

function cleanReading(id: string, sequence: number, timeMs: number, assetPath: string, signal: string, value: number, unit: string): CleanValue {
  return {
    readingTime: new Date(timeMs),
    receivedTime: new Date(timeMs + 15),
    gatewayId: `gw-${id}`,
    sequenceNumber: BigInt(sequence),
    deviceId: 'plc-1',
    assetPath,
    signal,
    value,
    valueText: null,
    unit,
    sourceUnit: unit,
    quality: 'GOOD',
    qualityCode: null,
    sourceProtocol: 'OPC_UA',
    sourceAddress: `ns=1;s=${assetPath}.${signal}`,
    isHistorical: false,
    arrival: 'IN_ORDER',
    operatorBadge: null,
    attributes: {},
  };
}

/** Three minutes after the plant's end, one power reading per asset: closes every features window of the run (and no energy window more). */
function tail(id: string, readings: CleanValue[]): CleanValue[] {
  const at = START_MS + (PLANT_SECONDS + 180) * 1000;
  const assets = [...new Set(readings.map((r) => r.assetPath))];
  return assets.map((asset, i) => cleanReading(id, readings.length + 1 + i, at, asset, 'power', 1, 'kW'));
}

const time = (value: unknown): number => (value instanceof Date ? value.getTime() : Number(value));
/** The key a consumer deduplicates each product on. */
const KEYS: Record<string, (value: Record<string, unknown>) => string> = {
  features: (v) => `${String(v.assetPath)}@${time(v.windowStart)}`,
  scores: (v) => `${String(v.assetPath)}@${time(v.windowStart)}/${String(v.role)}/${String(v.modelName)}@${String(v.modelVersion)}`,
  alerts: (v) => String(v.eventId),
  energy: (v) => `${String(v.level)}/${String(v.scopePath)}@${time(v.windowStart)}`,
};
/** What must come out the same whichever instance computed it (numbers within float32 scoring's precision). */
const VALUES: Record<string, (value: Record<string, unknown>) => Array<number | string>> = {
  features: (v) => [Number(v.readingCount)],
  scores: (v) => [Number(v.score), String(v.anomalous)],
  alerts: (v) => [String(v.type), time(v.at)],
  energy: (v) => [Number(v.energyKwh), Number(v.readingCount)],
};

/** Equal, numbers within a relative 1e-5: ONNX scores a row in float32, and the last bits depend on the batch it is in. */
function same(a: Array<number | string>, b: Array<number | string>): boolean {
  return a.length === b.length && a.every((x, i) => (typeof x === 'number' && typeof b[i] === 'number' ? Math.abs(x - b[i]) <= 1e-5 * Math.max(1, Math.abs(x)) : x === b[i]));
}

async function waitUntilPrinted(instances: KillableProcess[], printed: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (instances.some((instance, n) => readFileSync(instance.logFile, 'utf8').split('stats ').length < printed[n]! + 2) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('domains scaled out to two instances, one killed with SIGKILL and restarted', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'scale-out-'));
  const topics = {
    'plant-telemetry.clean': `plant.telemetry.clean.v1.scale-${id}`,
    'asset-health.features': `asset-health.features.v1.scale-${id}`,
    'asset-health.anomaly-scores': `asset-health.anomaly-scores.v1.scale-${id}`,
    'asset-health.alerts': `asset-health.alerts.v1.scale-${id}`,
    'energy.consumption-15m': `energy.consumption-15m.v1.scale-${id}`,
  };
  const instances: KillableProcess[] = [];
  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
  });

  /** Instance n of asset-health and energy, in its own process: the same instance name (transactional ids) across restarts. */
  function instanceConfig(n: number): string {
    const common = {
      kafka: { brokers: brokers.split(',') },
      registryUrl,
      instance: String(n),
      singletonJobs: n === 0,
      sessionTimeoutMs: 10_000,
      maxBatchRecords: 500,
    };
    return JSON.stringify({
      domains: {
        'asset-health': {
          ...common,
          topics: { ...topics, 'energy.consumption-15m': undefined },
          groups: { features: `scale-${id}.features`, 'anomaly-operator': `scale-${id}.operator` },
        },
        energy: {
          ...common,
          topics: { 'plant-telemetry.clean': topics['plant-telemetry.clean'], 'energy.consumption-15m': topics['energy.consumption-15m'] },
          groups: { 'consumption-15m': `scale-${id}.energy` },
        },
      },
    });
  }

  const lastStats = (instance: KillableProcess): Record<string, { recordsIn: number; recordsOut: number; replays: number }> => {
    const lines = readFileSync(instance.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('stats '));
    return lines.length === 0 ? {} : (JSON.parse(lines.at(-1)!.slice('stats '.length)) as never);
  };

  it(
    'writes every feature window, score, alert event and energy row once: none lost, none twice, the same as one instance in memory',
    async () => {
      const began = Date.now();
      const kafka = createKafka({ clientId: 'scale-out-test', brokers: brokers.split(',') });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics([{ topic: topics['plant-telemetry.clean'], partitions: 6, replicationFactor: 1 }]);
      await admin.disconnect();

      const readings = plantReadings(dir, id);
      const all = [...readings, ...tail(id, readings)];

      // What one instance computes from the same readings, in memory.
      const declared = await discoverDomains([join(REPO_ROOT, 'domains')]);
      const domainNamed = (name: string) => declared.find((domain) => domain.name === name) as AnyDomain;
      const health = await driveDomain(domainNamed('asset-health'));
      const energy = await driveDomain(domainNamed('energy'));
      const expected: Record<string, StreamOutput[]> = { features: [], scores: [], alerts: [], energy: [] };
      for (let i = 0; i < all.length; i += 2_000) {
        const batch = all.slice(i, i + 2_000).map((value) => ({ key: value.assetPath, value }));
        const windows = await health.drivers.features!.pipe('plant.telemetry.clean.v1', batch);
        expected.features!.push(...windows);
        const operated = await health.drivers['anomaly-operator']!.pipe(
          'asset-health.features.v1',
          windows.map((w) => ({ key: w.key, value: w.value })),
        );
        expected.scores!.push(...operated.filter((o) => o.topic === 'asset-health.anomaly-scores.v1'));
        expected.alerts!.push(...operated.filter((o) => o.topic === 'asset-health.alerts.v1'));
        expected.energy!.push(...(await energy.drivers['consumption-15m']!.pipe('plant.telemetry.clean.v1', batch)));
      }
      await health.close();
      await energy.close();
      const types = expected.alerts!.map((a) => (a.value as { type: string }).type);
      expect(types.filter((t) => t === 'OPENED').length, 'the plant raises alerts').toBeGreaterThanOrEqual(2);
      expect(types, 'an alert closes itself').toContain('CLOSED');
      expect(expected.energy!.length).toBeGreaterThan(0);

      const start = (n: number): KillableProcess => {
        const instance = instances[n] ?? new KillableProcess(`domains instance ${n}`, join(dir, `instance-${n}.log`));
        instances[n] = instance;
        instance.spawn(join(REPO_ROOT, 'deploy/e2e/src/domains-instance.main.ts'), [instanceConfig(n)]);
        return instance;
      };
      start(0);
      start(1);
      await Promise.all(instances.map((instance) => instance.logged(/domains ready/, 90_000)));

      const serde = new AvroSerde({ registryUrl });
      const input = topics['plant-telemetry.clean'];
      const writer = await serde.writerFor(input, cleanSchema);
      const producer = kafka.producer();
      await producer.connect();
      const slices = 2 * KILLS + 1;
      const sliceSize = Math.ceil(readings.length / slices);
      let produced = 0;
      const produceSlice = async (values: CleanValue[]): Promise<void> => {
        for (let i = 0; i < values.length; i += SEND_RECORDS) {
          await producer.send(values.slice(i, i + SEND_RECORDS).map((value) => ({ topic: input, key: value.assetPath, value: serde.encode(writer, value) })));
        }
        produced += values.length;
      };
      for (let kill = 0; kill < KILLS; kill += 1) {
        const n = kill % 2;
        const victim = instances[n]!;
        await produceSlice(readings.slice(produced, produced + sliceSize));
        // Mid-run: the victim has taken part of this slice, with windows and alert runs open.
        const before = lastStats(victim)['asset-health/features']?.recordsIn ?? 0;
        const deadline = Date.now() + 60_000;
        while ((lastStats(victim)['asset-health/features']?.recordsIn ?? 0) <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
        await victim.kill();
        await produceSlice(readings.slice(produced, produced + sliceSize));
        // Back under the same instance name: its transactional ids abort what the killed process left open.
        start(n);
        await victim.logged(/domains ready/, 90_000);
      }
      await produceSlice([...readings.slice(produced), ...tail(id, readings)]);
      await producer.disconnect();

      const read = async (topic: string, count: number): Promise<ReadRecord[]> =>
        readTopic({ brokers, registryUrl, topic, timeoutMs: 90_000, until: (records) => records.length >= count });
      const actual: Record<string, ReadRecord[]> = {
        features: await read(topics['asset-health.features'], expected.features!.length),
        scores: await read(topics['asset-health.anomaly-scores'], expected.scores!.length),
        alerts: await read(topics['asset-health.alerts'], expected.alerts!.length),
        energy: await read(topics['energy.consumption-15m'], expected.energy!.length),
      };
      const figures: string[] = [];
      for (const product of Object.keys(expected)) {
        const key = KEYS[product]!;
        const value = VALUES[product]!;
        const want = new Map(expected[product]!.map((o) => [key(o.value as Record<string, unknown>), value(o.value as Record<string, unknown>)]));
        const got = new Map<string, Array<Array<number | string>>>();
        for (const record of actual[product]!) {
          const k = key(record.value);
          got.set(k, [...(got.get(k) ?? []), value(record.value)]);
        }
        const duplicates = [...got].filter(([, values]) => values.length > 1).map(([k]) => k);
        const missing = [...want.keys()].filter((k) => !got.has(k));
        const unexpected = [...got.keys()].filter((k) => !want.has(k));
        const different = [...want]
          .filter(([k, v]) => got.has(k) && !same(got.get(k)![0]!, v))
          .map(([k, v]) => `${k}: ${v.join(' ')} in memory, ${got.get(k)![0]!.join(' ')} on Kafka`);
        expect({ product, duplicates, missing, unexpected, different }).toEqual({ product, duplicates: [], missing: [], unexpected: [], different: [] });
        figures.push(`${product} ${got.size} of ${want.size}`);
      }
      // Each instance prints its counters every second: wait for a line written after the last output.
      const printed = instances.map((instance) => readFileSync(instance.logFile, 'utf8').split('stats ').length);
      await waitUntilPrinted(instances, printed);
      const perInstance = instances.map((instance, n) => {
        const stats = lastStats(instance);
        return `instance ${n}: ${Object.entries(stats)
          .map(([job, s]) => `${job} in ${s.recordsIn} out ${s.recordsOut}`)
          .join(', ')}`;
      });
      console.log(
        `scale-out: ${readings.length} readings, 2 instances, ${KILLS} kill -9: ${figures.join(', ')}; 0 duplicates, 0 missing, ${Math.round((Date.now() - began) / 1000)} s\n  ${perInstance.join('\n  ')}`,
      );
    },
    240_000 + 90_000 * KILLS,
  );
});
