import { randomUUID } from 'node:crypto';
import { createKafka } from '@fieldmesh/kafka';
import { AvroSerde } from '@fieldmesh/serde';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDomain } from '@fieldmesh/products';
import { domain, type EnergyDomain } from '../src/index';
import { type ReadRecord, readTopic } from '@fieldmesh/streams';
import { cleanPowerReadings, cleanSchema } from './support/clean-readings';

const MIN = 60_000;
// Monday 2026-05-04 08:00 in Berlin: the first window is in the peak period (08:00-08:15), the second is not.
/**
 * The last 08:00 in Berlin at least an hour ago: the site tariff's peak begins then. Within a day of now, not on
 * a fixed date: the rows carry their windows' times, and the broker deletes records older than a topic's
 * retention (the contracts' P7D and P30D) at its next retention check, mid-test.
 */
const T0 = lastBerlinEight(Date.now() - 60 * 60_000);

function lastBerlinEight(beforeMs: number): number {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  for (let at = Math.floor(beforeMs / (15 * 60_000)) * 15 * 60_000; ; at -= 15 * 60_000) if (clock.format(at) === '08:00') return at;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('clean power readings → energy.consumption-15m on Kafka and the registry', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const topics = { clean: `plant.telemetry.clean.v1.test-${id}`, energy: `energy.consumption-15m.v1.test-${id}` };
  const site = `acme/site-${id}`;
  const press = `${site}/hall/line-1/press-1`;
  const pump = `${site}/hall/line-1/pump-1`;
  const fan = `${site}/hall/line-2/fan-1`;
  let energy: EnergyDomain;
  let rows: ReadRecord[];

  beforeAll(async () => {
    const kafka = createKafka({ clientId: 'energy-test', brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: topics.clean, partitions: 6, replicationFactor: 1 }]);
    await admin.disconnect();
    energy = await startDomain(domain, {
      kafka: { brokers: [brokers] },
      registryUrl,
      groups: { 'consumption-15m': `energy-test-${id}` },
      topics: { 'plant-telemetry.clean': topics.clean, 'energy.consumption-15m': topics.energy },
      tariffs: {
        sites: {
          [site]: { timeZone: 'Europe/Berlin', basePricePerKwh: 0.2, basePeriodName: 'off-peak', periods: [{ name: 'peak', pricePerKwh: 0.3, from: '08:00', to: '08:15' }] },
        },
      },
    });

    const serde = new AvroSerde({ registryUrl });
    const writer = await serde.writerFor(topics.clean, cleanSchema);
    const producer = kafka.producer();
    await producer.connect();
    const powerReading = cleanPowerReadings();
    const reading = (assetPath: string, time: number, kw: number) => ({ topic: topics.clean, key: assetPath, value: serde.encode(writer, powerReading(assetPath, time, kw)) });
    // Half an hour of steady load, one reading every 10 s per asset, arriving as a plant's do: a minute of event
    // time at a time, each read by the job before the next. The job's watermark is the highest event time of its
    // partitions, and a reading more than the allowed lateness (PT2M) behind it is late. Sent at once, the half
    // hour could reach the job in two batches (Kafka may answer a fetch with some partitions of one produce
    // request and the rest in the next fetch): one asset's partition at minute 30 then closed the first window
    // before another asset's readings were read, and a busy CI run got 11 rows instead of 12.
    let sent = 0;
    for (let minute = T0; minute < T0 + 30 * MIN; minute += MIN) {
      const readings: ReturnType<typeof reading>[] = [];
      for (let t = minute; t < minute + MIN; t += 10_000) readings.push(reading(press, t, 60), reading(pump, t, 20), reading(fan, t, 12));
      await producer.send(readings);
      sent += readings.length;
      await waitFor(`the energy job to read minute ${(minute - T0) / MIN}`, () => energy.stats()['consumption-15m'].pipeline.powerReadings >= sent, 60_000);
    }
    // Time goes on: a reading past the second window's end plus the allowed lateness closes both windows.
    await producer.send([reading(press, T0 + 33 * MIN, 60)]);
    await producer.disconnect();
    rows = await readTopic({ brokers, registryUrl, topic: topics.energy, timeoutMs: 60_000, until: (all) => all.length >= 12 });
  }, 180_000);

  afterAll(async () => {
    await energy?.close();
  });

  const row = (level: string, scopePath: string, minute: number) =>
    rows.find((r) => r.value.level === level && r.value.scopePath === scopePath && (r.value.windowStart as Date).getTime() === T0 + minute * MIN)?.value;

  it('emits one row per asset, line and site for each of the two windows, no reading late', () => {
    expect(energy.stats()['consumption-15m'].pipeline).toMatchObject({ powerReadings: 541, late: 0 });
    expect(rows).toHaveLength(2 * (3 + 2 + 1));
  });

  it('integrates power to kWh per asset', () => {
    expect(row('ASSET', press, 0)).toMatchObject({ energyKwh: 15, coverageRatio: 1, readingCount: 90 });
    expect(row('ASSET', pump, 15)?.energyKwh).toBeCloseTo(5, 9);
    expect(row('ASSET', fan, 15)?.energyKwh).toBeCloseTo(3, 9);
  });

  it('sums lines and the site, priced by the site tariff per window', () => {
    expect(row('LINE', `${site}/hall/line-1`, 0)).toMatchObject({ assetCount: 2, tariffPeriod: 'peak', pricePerKwh: 0.3, currency: 'EUR' });
    expect(row('LINE', `${site}/hall/line-1`, 0)?.energyKwh).toBeCloseTo(20, 9);
    expect(row('LINE', `${site}/hall/line-1`, 0)?.cost).toBeCloseTo(6, 9);
    expect(row('SITE', site, 15)).toMatchObject({ assetCount: 3, tariffPeriod: 'off-peak' });
    expect(row('SITE', site, 15)?.energyKwh).toBeCloseTo(23, 9);
    expect(row('SITE', site, 15)?.cost).toBeCloseTo(4.6, 9);
  });

  it('keys each row by its scope', () => {
    expect(rows.every((r) => r.key === r.value.scopePath)).toBe(true);
  });
});

describe('energy job restarted in the middle of a window', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('registryUrl');
  const id = randomUUID().slice(0, 8);
  const topics = { clean: `plant.telemetry.clean.v1.test-${id}`, energy: `energy.consumption-15m.v1.test-${id}` };
  const asset = `acme/site-${id}/hall/line-1/press-1`;
  const config = {
    kafka: { brokers: [brokers] },
    registryUrl,
    groups: { 'consumption-15m': `energy-restart-${id}` },
    topics: { 'plant-telemetry.clean': topics.clean, 'energy.consumption-15m': topics.energy },
    tariffs: {},
  };
  let energy: EnergyDomain | undefined;
  let rows: ReadRecord[];

  beforeAll(async () => {
    const kafka = createKafka({ clientId: 'energy-restart-test', brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic: topics.clean, partitions: 6, replicationFactor: 1 }]);
    await admin.disconnect();
    const serde = new AvroSerde({ registryUrl });
    const writer = await serde.writerFor(topics.clean, cleanSchema);
    const producer = kafka.producer();
    await producer.connect();
    const powerReading = cleanPowerReadings();
    const send = async (from: number, to: number) => {
      const records = [];
      for (let t = from; t < to; t += 10_000) records.push({ topic: topics.clean, key: asset, value: serde.encode(writer, powerReading(asset, t, 60)) });
      await producer.send(records);
      return records.length;
    };

    energy = await startDomain(domain, config);
    // The first window and two thirds of the second, then the job stops with the second window open.
    const first = await send(T0, T0 + 25 * MIN);
    await waitFor('the first run to read its readings', () => energy!.stats()['consumption-15m'].pipeline.powerReadings >= first, 60_000);
    await energy.close();
    // The rest of the second window arrives while the job is down; the restarted job rebuilds the open window from the replay.
    await send(T0 + 25 * MIN, T0 + 33 * MIN);
    await producer.disconnect();
    energy = await startDomain(domain, config);
    rows = await readTopic({ brokers, registryUrl, topic: topics.energy, timeoutMs: 60_000, until: (all) => all.length >= 6 });
    // A window emitted twice would show up now.
    rows = await readTopic({ brokers, registryUrl, topic: topics.energy, timeoutMs: 3_000, until: () => false });
  }, 180_000);

  afterAll(async () => {
    await energy?.close();
  });

  it('emits each window once, the one open at the restart complete', () => {
    const assetRows = rows.filter((r) => r.value.level === 'ASSET').map((r) => [(r.value.windowStart as Date).getTime() - T0, r.value.energyKwh, r.value.readingCount]);
    expect(assetRows).toEqual([
      [0, 15, 90],
      [15 * MIN, 15, 90],
    ]);
    expect(rows).toHaveLength(6);
  });
});
