import { describe, expect, it } from 'vitest';
import type { RawReadingRecord } from '../enrich/raw-reading.builder';
import { batchesOf, MAX_READINGS_PER_BATCH, toReadingBatch } from './reading-batch.encoder';

const record = (sequenceNumber: number, overrides: Partial<RawReadingRecord> = {}): RawReadingRecord => ({
  readingTime: 1_000 + sequenceNumber,
  receivedTime: 5_000,
  gatewayId: 'gw-1',
  sequenceNumber,
  deviceId: 'plc-7',
  assetPath: 'acme/berlin/press-shop/line-1/pump-1',
  signal: `metric_${sequenceNumber}`,
  value: sequenceNumber / 2,
  valueText: null,
  unit: 'Cel',
  quality: 'GOOD',
  qualityCode: null,
  sourceProtocol: 'OPC_UA',
  sourceAddress: 'ns=2;s=Pump1.Temperature',
  isHistorical: false,
  operatorBadge: null,
  attributes: { 'opcua.datatype': 'Double' },
  ...overrides,
});

/** What the clean job does with a batch: the raw.v1 records back. */
const expand = (batch: ReturnType<typeof toReadingBatch>): RawReadingRecord[] =>
  batch.readings.map(({ sourceAddress, attributes, ...reading }) => ({
    ...reading,
    attributes: JSON.parse(attributes) as Record<string, string>,
    receivedTime: batch.receivedTime,
    gatewayId: batch.gatewayId,
    deviceId: batch.deviceId,
    assetPath: batch.assetPath,
    sourceProtocol: batch.sourceProtocol,
    sourceAddress: sourceAddress ?? batch.sourceAddress,
  }));

describe('toReadingBatch', () => {
  it('keeps what readings share once and loses nothing: expanded, the batch is its raw.v1 records', () => {
    const records = [
      record(41, { valueText: 'RUNNING', value: null, isHistorical: true, operatorBadge: 'c2b1f0a3e1', qualityCode: 1_073_741_824 }),
      record(42, { sourceAddress: 'ns=2;s=Pump1.Pressure', unit: 'bar', quality: 'UNCERTAIN' }),
      record(43),
    ];
    const batch = toReadingBatch(records);
    expect(batch).toMatchObject({ firstSequenceNumber: 41, sourceAddress: 'ns=2;s=Pump1.Temperature', receivedTime: 5_000, deviceId: 'plc-7' });
    // A reading's own address is written only where it differs from the batch's (OPC UA: one node per reading).
    expect(batch.readings.map((r) => r.sourceAddress)).toEqual([null, 'ns=2;s=Pump1.Pressure', null]);
    expect(expand(batch)).toEqual(records);
  });

  it('refuses an empty batch: a record of no reading has no key', () => {
    expect(() => toReadingBatch([])).toThrow(RangeError);
  });
});

describe('batchesOf', () => {
  const item = (deviceId: string, assetPath: string, n: number) => ({ reading: { deviceId, assetPath, sourceProtocol: 'OPC_UA' as const }, n });
  const pump = 'acme/berlin/press-shop/line-1/pump-1';
  const fan = 'acme/berlin/press-shop/line-1/fan-2';

  it("groups an OPC UA publish response of interleaved assets into one batch per device and asset, keeping each one's order", () => {
    const items = [item('plc-7', pump, 1), item('plc-7', fan, 2), item('plc-7', pump, 3), item('plc-8', pump, 4), item('plc-7', fan, 5)];
    expect(batchesOf(items).map((batch) => batch.map((i) => i.n))).toEqual([[1, 3], [2, 5], [4]]);
  });

  it('keeps the same device of another protocol apart: its readings have another shared source', () => {
    const items = [item('plc-7', pump, 1), { reading: { deviceId: 'plc-7', assetPath: pump, sourceProtocol: 'SPARKPLUG_B' as const }, n: 2 }];
    expect(batchesOf(items)).toHaveLength(2);
  });

  it(`starts a new batch once one holds ${MAX_READINGS_PER_BATCH} readings, so a record stays under Kafka's message size`, () => {
    const items = Array.from({ length: MAX_READINGS_PER_BATCH + 1 }, (_, n) => item('plc-7', pump, n));
    expect(batchesOf(items).map((batch) => batch.length)).toEqual([MAX_READINGS_PER_BATCH, 1]);
  });
});
