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
import { Ingestor, READING_ID_HEADER, readingId } from './ingestor';

const root = join(import.meta.dirname, '..', '..', '..');
const raw = loadContract(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), root);
// Encoding needs no registry round trip: the writer schema and its id are given.
const serde = new AvroSerde({ registryUrl: 'http://127.0.0.1:9' });
const writer = { topic: 'plant.telemetry.raw.v1', subject: 'plant.telemetry.raw.v1-value', schemaId: 7, codec: new AvroCodec(createAvroType(raw.avroSchema), serde.config.limits) };

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
async function ingestor(recentlyBuffered?: Set<string>, clock?: () => number) {
  const log = await SegmentLog.open({ dir: await mkdtemp(join(tmpdir(), 'fm-ingest-')), maxBytes: 1 << 20, segmentBytes: 1 << 16, fsync: 'never', onFull: 'block' });
  logs.push(log);
  const build = { gatewayId: 'gw-1', contract: raw.contract, calibration: new Calibration([]), pseudonymiser: Pseudonymiser.fromKey(Buffer.alloc(32, 1)) };
  return { log, ingestor: new Ingestor({ log, contract: raw, serde, writer, build, personalKeys: ['operator'], ...(recentlyBuffered ? { recentlyBuffered } : {}), ...(clock ? { clock } : {}) }) };
}
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
    expect(outcome.deadLettered).toEqual([{ stage: 'validate', errorClass: 'ReadingInvalid' }, { stage: 'source:plant-json', errorClass: 'PayloadNotJson' }]);
    const [invalid, rejected] = (await log.read(1, 10)).map((r) => decodeEnvelope(r.payload));
    expect(invalid!.topic).toBe('plant.telemetry.raw.v1.dlq');
    expect(readDlqHeaders(invalid!.headers)?.exceptionMessage).toContain('bearing-temperature-plausible: must be <= 400');
    expect(readDlqHeaders(rejected!.headers)).toMatchObject({ exceptionClassName: 'PayloadNotJson', stage: 'source:plant-json', topic: 'acme/x' });
    expect(rejected!.value.toString()).not.toContain('B-1234');
  });

  it('dead-letters a reading stamped beyond the contract maximum clock skew, naming the field, skew and timestamp, and buffers the rest', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const { log, ingestor: ingest } = await ingestor(undefined, () => now);
    const tenYearsAhead = Date.parse('2036-03-01T12:00:00Z');
    const outcome = await ingest.ingest('plant-json', batch([reading('power', 40, now - 1_000), reading('power', 41, tenYearsAhead), reading('power', 42, now + 5 * 60_000)]));
    expect(outcome).toEqual({ accepted: 2, duplicates: 0, deadLettered: [{ stage: 'validate', errorClass: 'ClockSkewExceeded' }] });
    const envelopes = (await log.read(1, 10)).map((r) => decodeEnvelope(r.payload));
    expect(envelopes.map((e) => e.topic)).toEqual(['plant.telemetry.raw.v1', 'plant.telemetry.raw.v1.dlq', 'plant.telemetry.raw.v1']);
    const reason = readDlqHeaders(envelopes[1]!.headers)?.exceptionMessage;
    expect(reason).toContain('readingTime 2036-03-01T12:00:00.000Z');
    expect(reason).toContain('timeliness.maxClockSkew of 300000 ms');
  });

  it('drops readings a source redelivers after a crash when the buffer already held them', async () => {
    const held = reading('flow', 12, 100);
    const { log, ingestor: ingest } = await ingestor(new Set([readingId(held)]));
    const outcome = await ingest.ingest('plant-json', batch([held, reading('flow', 13, 101)]));
    expect(outcome).toMatchObject({ accepted: 1, duplicates: 1 });
    // Only the first redelivery is a duplicate: the same reading later is the source's business.
    expect((await ingest.ingest('plant-json', batch([held]))).accepted).toBe(1);
    expect(await log.read(1, 10)).toHaveLength(2);
  });
});
