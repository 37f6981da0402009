import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceBatch, SourceReading } from '@fieldmesh/connect';
import { loadContract } from '@fieldmesh/governance';
import { readDlqHeaders } from '@fieldmesh/kafka';
import { AvroCodec, AvroSerde, createAvroType, unframe } from '@fieldmesh/serde';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../buffer/envelope';
import { SegmentLog } from '../buffer/segment-log';
import { Calibration } from '../enrich/calibration';
import { Pseudonymiser } from '../privacy/pseudonymiser';
import { Ingestor } from './ingestor';
import { READING_ID_HEADER, readingId } from './reading.identity';
import { RedeliveryFilter } from './redelivery.filter';

const root = join(import.meta.dirname, '..', '..', '..');
const raw = loadContract(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), root);
// Encoding needs no registry round trip: the writer schema and its id are given.
const serde = new AvroSerde({ registryUrl: 'http://127.0.0.1:9' });
const writer = { topic: 'plant.telemetry.raw.v1', subject: 'plant.telemetry.raw.v1-value', schemaId: 7, codec: new AvroCodec(createAvroType(raw.avroSchema), serde.config.limits) };
const rawV2 = loadContract(join(root, 'contracts', 'plant-telemetry', 'raw-v2.yaml'), root);
const batchWriter = {
  topic: 'plant.telemetry.raw.v2',
  subject: 'plant.telemetry.raw.v2-value',
  schemaId: 8,
  codec: new AvroCodec(createAvroType(rawV2.avroSchema), serde.config.limits),
};

const reading = (signal: string, value: number, readingTime: number): SourceReading => ({
  readingTime,
  deviceId: 'plc-1',
  assetPath: 'acme/berlin/press-shop/line-1/pump-1',
  signal,
  value,
  unit: 'Cel',
  quality: 'GOOD',
  sourceProtocol: 'MQTT_JSON',
  sourceAddress: `acme/berlin/press-shop/line-1/pump-1/${signal}`,
  isHistorical: false,
  attributes: {},
});
const batch = (readings: SourceReading[], rejects: SourceBatch['rejects'] = []): SourceBatch => ({ readings, rejects, ack: async () => undefined, nack: async () => undefined });

const logs: SegmentLog[] = [];
const openLog = async (dir?: string) => {
  const log = await SegmentLog.open({ dir: dir ?? (await mkdtemp(join(tmpdir(), 'fm-ingest-'))), maxBytes: 1 << 20, segmentBytes: 1 << 16, fsync: 'never', onFull: 'block' });
  logs.push(log);
  return log;
};
async function ingestor(options: { log?: SegmentLog; redeliveries?: RedeliveryFilter; clock?: () => number; batches?: boolean } = {}) {
  const log = options.log ?? (await openLog());
  const build = { gatewayId: 'gw-1', contract: raw.contract, calibration: new Calibration([]), pseudonymiser: Pseudonymiser.fromKey(Buffer.alloc(32, 1)) };
  const redeliveries = options.redeliveries ?? new RedeliveryFilter({ recentReadingsPerConnector: 1_000 });
  const product = options.batches ? { writer: batchWriter, batches: rawV2 } : { writer };
  return {
    log,
    ingestor: new Ingestor({ log, contract: raw, ...product, build, personalKeys: ['operator'], redeliveries, ...(options.clock ? { clock: options.clock } : {}) }),
  };
}
const sequences = async (log: SegmentLog) => (await log.read(1, 100)).map((r) => decodeEnvelope(r.payload).headers['fieldmesh.sequence']);
afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
});

describe('Ingestor', () => {
  it('buffers valid readings as Avro with their sequence number and reading id, keyed by asset', async () => {
    const { log, ingestor: ingest } = await ingestor();
    const outcome = await ingest.ingest('plant-json', batch([reading('bearing_temperature', 60, 1), reading('bearing_temperature', 61, 2)]));
    expect(outcome).toEqual({ accepted: 2, duplicates: 0, deadLettered: [] });
    const envelopes = (await log.read(1, 10)).map((r) => decodeEnvelope(r.payload));
    expect(envelopes.map((e) => [e.topic, e.key, e.headers['fieldmesh.sequence']])).toEqual([
      ['plant.telemetry.raw.v1', 'acme/berlin/press-shop/line-1/pump-1', '1'],
      ['plant.telemetry.raw.v1', 'acme/berlin/press-shop/line-1/pump-1', '2'],
    ]);
    expect(unframe(envelopes[0]!.value, 1 << 20, {}).schemaId).toBe(7);
    expect(envelopes[1]!.headers[READING_ID_HEADER]).toBe(readingId(reading('bearing_temperature', 61, 2)));
  });

  it('dead-letters an implausible reading with the rule that failed, and the source reject with its reason', async () => {
    const { log, ingestor: ingest } = await ingestor();
    const reject = { sourceAddress: 'acme/x', payload: Buffer.from('{"operator": "B-1234", '), errorClass: 'PayloadNotJson', reason: 'payload is not JSON', receivedTime: 5 };
    const outcome = await ingest.ingest('plant-json', batch([reading('bearing_temperature', 1501, 1)], [reject]));
    expect(outcome.deadLettered).toEqual([
      { stage: 'validate', errorClass: 'ReadingInvalid' },
      { stage: 'source:plant-json', errorClass: 'PayloadNotJson' },
    ]);
    const [invalid, rejected] = (await log.read(1, 10)).map((r) => decodeEnvelope(r.payload));
    expect(invalid!.topic).toBe('plant.telemetry.raw.v1.dlq');
    expect(readDlqHeaders(invalid!.headers)?.exceptionMessage).toContain('bearing-temperature-plausible: must be <= 400');
    expect(readDlqHeaders(rejected!.headers)).toMatchObject({ exceptionClassName: 'PayloadNotJson', stage: 'source:plant-json', topic: 'acme/x' });
    expect(rejected!.value.toString()).not.toContain('B-1234');
  });

  it('dead-letters a reading stamped beyond the contract maximum clock skew, naming the field, skew and timestamp, and buffers the rest', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const { log, ingestor: ingest } = await ingestor({ clock: () => now });
    const tenYearsAhead = Date.parse('2036-03-01T12:00:00Z');
    const outcome = await ingest.ingest('plant-json', batch([reading('power', 40, now - 1_000), reading('power', 41, tenYearsAhead), reading('power', 42, now + 5 * 60_000)]));
    expect(outcome).toEqual({ accepted: 2, duplicates: 0, deadLettered: [{ stage: 'validate', errorClass: 'ClockSkewExceeded' }] });
    const envelopes = (await log.read(1, 10)).map((r) => decodeEnvelope(r.payload));
    expect(envelopes.map((e) => e.topic)).toEqual(['plant.telemetry.raw.v1', 'plant.telemetry.raw.v1.dlq', 'plant.telemetry.raw.v1']);
    const reason = readDlqHeaders(envelopes[1]!.headers)?.exceptionMessage;
    expect(reason).toContain('readingTime 2036-03-01T12:00:00.000Z');
    expect(reason).toContain('timeliness.maxClockSkew of 300000 ms');
  });

  it('drops a batch the broker redelivers after the connector reconnected (a broker restored from its last save), every time, and counts it', async () => {
    const { log, ingestor: ingest } = await ingestor();
    const sent = [reading('flow', 12, 100), reading('flow', 13, 101), reading('flow', 14, 102)];
    expect(await ingest.ingest('plant-json', batch(sent))).toMatchObject({ accepted: 3, duplicates: 0 });
    // The broker went back to its last save: it resends the last two, then the plant goes on.
    const redelivered = batch([...sent.slice(1).map((r) => ({ ...r })), reading('flow', 15, 103)]);
    expect(await ingest.ingest('plant-json', redelivered)).toEqual({ accepted: 1, duplicates: 2, deadLettered: [] });
    // A second restart of the broker resends them once more: still copies.
    expect(await ingest.ingest('plant-json', batch([{ ...sent[2]! }]))).toEqual({ accepted: 0, duplicates: 1, deadLettered: [] });
    expect(await sequences(log)).toEqual(['1', '2', '3', '4']);
  });

  it('drops readings a source redelivers after a gateway restart when the buffer already held them, per connector', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-ingest-'));
    const held = reading('flow', 12, 100);
    const before = await ingestor({ log: await openLog(dir) });
    await before.ingestor.ingest('plant-json', batch([held]));
    await before.log.close();
    const log = await openLog(dir);
    const redeliveries = new RedeliveryFilter({ recentReadingsPerConnector: 1_000 });
    redeliveries.seed(await log.lastSessionTail());
    const { ingestor: after } = await ingestor({ log, redeliveries });
    expect(await after.ingest('plant-json', batch([held, reading('flow', 13, 101)]))).toMatchObject({ accepted: 1, duplicates: 1 });
    // Another connector's reading with the same id is its own.
    expect(await after.ingest('plant-json-2', batch([held]))).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('buffers the redelivery of a batch the buffer refused, since its source was not acknowledged', async () => {
    const redeliveries = new RedeliveryFilter({ recentReadingsPerConnector: 1_000 });
    const refusing = await ingestor({ redeliveries });
    await refusing.log.close();
    const sent = [reading('flow', 12, 100)];
    await expect(refusing.ingestor.ingest('plant-json', batch(sent))).rejects.toThrow();
    const { log, ingestor: ingest } = await ingestor({ redeliveries });
    expect(await ingest.ingest('plant-json', batch(sent))).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await sequences(log)).toEqual(['1']);
  });

  it('keeps two messages stamped the same millisecond with different values: an implausible one dead-lettered, then the real reading buffered', async () => {
    // The e2e plant's out-of-range input carries the plant's clock, the time of the real reading of that tick.
    const { log, ingestor: ingest } = await ingestor();
    expect(await ingest.ingest('plant-json', batch([reading('bearing_temperature', 1501, 100)]))).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(await ingest.ingest('plant-json', batch([reading('bearing_temperature', 49.3, 100)]))).toEqual({ accepted: 1, duplicates: 0, deadLettered: [] });
    expect((await log.read(1, 10)).map((r) => decodeEnvelope(r.payload).topic)).toEqual(['plant.telemetry.raw.v1.dlq', 'plant.telemetry.raw.v1']);
  });

  it('buffers a reading repeated within one batch once', async () => {
    const { log, ingestor: ingest } = await ingestor();
    expect(await ingest.ingest('plant-json', batch([reading('flow', 12, 100), reading('flow', 12, 100)]))).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await sequences(log)).toEqual(['1']);
  });
});

describe('Ingestor publishing raw.v2 batches', () => {
  const ddata = (device: string, values: number[]): SourceReading[] =>
    values.map((value, i) => ({
      ...reading(i === 0 ? 'bearing_temperature' : `metric_${i}`, value, 1_000 + i),
      deviceId: device,
      assetPath: `acme/berlin/press-shop/line-1/${device}`,
      sourceProtocol: 'SPARKPLUG_B',
      sourceAddress: `spBv1.0/berlin/DDATA/line-1/${device}`,
    }));
  const decodeBatch = (value: Buffer) =>
    batchWriter.codec.type.fromBuffer(unframe(value, 1 << 20, {}).body) as {
      firstSequenceNumber: number;
      readings: Array<{ sequenceNumber: number; signal: string; value: number }>;
    };

  it('buffers the valid readings of a message as one record of consecutive numbers, each invalid one dead-lettered with its reason, counts per reading', async () => {
    const { log, ingestor: ingest } = await ingestor({ batches: true });
    const values = Array.from({ length: 50 }, (_, i) => 20 + i);
    values[0] = 1501; // beyond bearing-temperature-plausible
    const outcome = await ingest.ingest('plant-sparkplug', batch(ddata('pump-1', values)));
    expect(outcome).toEqual({ accepted: 49, duplicates: 0, deadLettered: [{ stage: 'validate', errorClass: 'ReadingInvalid' }] });
    const records = await log.read(1, 10);
    expect(records.map((r) => [r.seq, r.sequences])).toEqual([
      [49, 49],
      [50, 1],
    ]);
    const [batched, dead] = records.map((r) => decodeEnvelope(r.payload));
    expect([batched!.topic, batched!.key, dead!.topic]).toEqual(['plant.telemetry.raw.v2', 'acme/berlin/press-shop/line-1/pump-1', 'plant.telemetry.raw.v2.dlq']);
    expect(unframe(batched!.value, 1 << 20, {}).schemaId).toBe(8);
    const decoded = decodeBatch(batched!.value);
    expect(Number(decoded.firstSequenceNumber)).toBe(1);
    expect(decoded.readings.map((r) => Number(r.sequenceNumber))).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(decoded.readings[0]).toMatchObject({ signal: 'metric_1', value: 21 });
    expect(readDlqHeaders(dead!.headers)?.exceptionMessage).toContain('bearing-temperature-plausible: must be <= 400');
    expect(JSON.parse(dead!.value.toString())).toMatchObject({ sequenceNumber: 50, signal: 'bearing_temperature', value: 1501 });
    expect(batched!.headers[READING_ID_HEADER]!.split(',')).toHaveLength(49);
  });

  it('starts a new record for another device, and remembers each reading of a batch against redelivery', async () => {
    const redeliveries = new RedeliveryFilter({ recentReadingsPerConnector: 1_000 });
    const { log, ingestor: ingest } = await ingestor({ batches: true, redeliveries });
    const pump = ddata('pump-1', [20, 21, 22]);
    const fan = ddata('fan-2', [30, 31]);
    expect(await ingest.ingest('plant-sparkplug', batch([...pump, ...fan]))).toMatchObject({ accepted: 5 });
    expect((await log.read(1, 10)).map((r) => [decodeEnvelope(r.payload).key, r.seq, r.sequences])).toEqual([
      ['acme/berlin/press-shop/line-1/pump-1', 3, 3],
      ['acme/berlin/press-shop/line-1/fan-2', 5, 2],
    ]);
    expect(await ingest.ingest('plant-sparkplug', batch([pump[1]!, ...ddata('pump-1', [20, 21, 22, 23]).slice(3)]))).toEqual({ accepted: 1, duplicates: 1, deadLettered: [] });
    const seeded = new RedeliveryFilter({ recentReadingsPerConnector: 1_000 });
    seeded.seed(await log.read(1, 10));
    expect(seeded.screen('plant-sparkplug', [...pump, ...fan]).redelivered).toBe(5);
  });
});
