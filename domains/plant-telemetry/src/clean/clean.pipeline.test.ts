import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { partitionKey, RecordFailed, type StreamOutput, type StreamRecord, TestDriver } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { CleanPipeline } from './clean.pipeline';
import type { RawReading } from './reading.cleaner';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const contract = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const rawSchema = JSON.parse(readFileSync(join(root, 'schemas', 'plant-telemetry', 'RawReading.avsc'), 'utf8')) as object;
const rawBatchSchema = JSON.parse(readFileSync(join(root, 'schemas', 'plant-telemetry', 'RawReadingBatch.avsc'), 'utf8')) as object;
const RAW = 'plant.telemetry.raw.v1';
const RAW_V2 = 'plant.telemetry.raw.v2';
const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);

function raw(seq: number, overrides: Partial<RawReading> = {}): RawReading {
  return {
    readingTime: T0 + seq * 1000,
    receivedTime: T0 + seq * 1000 + 50,
    gatewayId: 'gw-berlin-1',
    sequenceNumber: seq,
    deviceId: 'plc-7',
    assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
    signal: 'bearing_temperature',
    value: 60 + seq / 10,
    valueText: null,
    unit: 'Cel',
    quality: 'GOOD',
    qualityCode: null,
    sourceProtocol: 'OPC_UA',
    sourceAddress: 'ns=1;s=x',
    isHistorical: false,
    operatorBadge: null,
    attributes: {},
    ...overrides,
  };
}

function driverFor(pipeline: CleanPipeline) {
  return new TestDriver({ handler: pipeline.handle, inputs: { [RAW]: rawSchema }, outputs: { [pipeline.outputTopic]: pipeline.outputSchema } });
}

const values = (outputs: StreamOutput[]) => outputs.map((o) => o.value as Record<string, unknown>);

describe('CleanPipeline', () => {
  it('reads its topics from the contract', () => {
    const pipeline = new CleanPipeline(contract);
    expect([pipeline.inputTopic, pipeline.outputTopic]).toEqual([RAW, 'plant.telemetry.clean.v1']);
  });

  it('emits each reading once, normalised, and dead-letters a rule violation with the rule named', async () => {
    const pipeline = new CleanPipeline(contract);
    const driver = driverFor(pipeline);
    await driver.pipe(
      RAW,
      [1, 2, 3].map((seq) => ({ key: 'a', value: raw(seq) })),
    );
    // A gateway replay of 2 and 3, a Fahrenheit reading, a broken vibration sensor, and a reading ten minutes late.
    await driver.pipe(RAW, [
      { value: raw(2) },
      { value: raw(3) },
      { value: raw(4, { value: 212, unit: '[degF]' }) },
      { value: raw(5, { signal: 'vibration_rms', value: -4, unit: 'mm/s' }) },
      { value: raw(6, { readingTime: T0 - 10 * 60_000 }) },
    ]);
    const clean = values(driver.outputs('plant.telemetry.clean.v1'));
    expect(clean.map((r) => r.sequenceNumber)).toEqual([1n, 2n, 3n, 4n, 6n]);
    expect(clean[3]).toMatchObject({ value: 100, unit: 'Cel', sourceUnit: '[degF]' });
    expect(clean[4]).toMatchObject({ arrival: 'LATE' });
    const [dead] = driver.deadLetters();
    expect(driver.deadLetters()).toHaveLength(1);
    expect(dead?.error).toMatchObject({ name: 'CleanContractViolated', message: expect.stringContaining('vibration-rms-plausible') });
    expect(pipeline.stats()).toMatchObject({ clean: 5, duplicates: 2, converted: 1, late: 1, rejected: 1 });
  });

  const record = (offset: number, value: RawReading): StreamRecord<unknown> => ({
    topic: RAW,
    partition: 0,
    offset: String(offset),
    key: value.assetPath,
    value,
    timestamp: 0,
    headers: {},
  });

  it('emits a batch again after its outputs were not acknowledged, instead of calling it duplicates', async () => {
    const pipeline = new CleanPipeline(contract);
    const batch = [record(0, raw(1)), record(1, raw(2))];
    expect(await pipeline.handle(batch)).toHaveLength(2);
    // The produce failed: the runtime restores from the last checkpoint (nothing read) and redelivers.
    pipeline.restore({ watermark: Number.NEGATIVE_INFINITY, readUntil: new Map() });
    expect(await pipeline.handle(batch)).toHaveLength(2);
  });

  it('skips replayed records whose outputs were acknowledged before a restart', async () => {
    const pipeline = new CleanPipeline(contract);
    pipeline.restore({ watermark: T0, readUntil: new Map([[partitionKey(RAW, 0), 2n]]) });
    const outputs = await pipeline.handle([record(0, raw(1)), record(1, raw(2)), record(2, raw(3))]);
    expect(outputs.map((o) => (o as StreamOutput).value)).toEqual([expect.objectContaining({ sequenceNumber: 3 })]);
    expect(pipeline.stats().replayed).toBe(2);
  });

  it('gives a record the same verdict when the runtime reruns it alone', async () => {
    const pipeline = new CleanPipeline(contract);
    const batch = [record(0, raw(1)), record(1, raw(1))];
    const first = await pipeline.handle(batch);
    const rerun = [...(await pipeline.handle([batch[0]!])), ...(await pipeline.handle([batch[1]!]))];
    expect(rerun).toHaveLength(first.length);
  });

  it('dead-letters a tombstone instead of failing the batch', async () => {
    const pipeline = new CleanPipeline(contract);
    const [result] = await pipeline.handle([{ ...record(0, raw(1)), value: null }]);
    expect(result).toBeInstanceOf(RecordFailed);
  });
});

describe('CleanPipeline reading raw.v2 batches', () => {
  /** The readings as a gateway publishing raw.v2 batches them: what they share once, their own fields per reading. */
  const batchOf = (readings: RawReading[]) => {
    const [first] = readings;
    return {
      receivedTime: first!.receivedTime,
      gatewayId: first!.gatewayId,
      firstSequenceNumber: first!.sequenceNumber,
      deviceId: first!.deviceId,
      assetPath: first!.assetPath,
      sourceProtocol: first!.sourceProtocol,
      sourceAddress: first!.sourceAddress,
      readings: readings.map(({ receivedTime: _r, gatewayId: _g, deviceId: _d, assetPath: _a, sourceProtocol: _p, sourceAddress, attributes, ...reading }) => ({
        ...reading,
        attributes: JSON.stringify(attributes),
        sourceAddress: sourceAddress === first!.sourceAddress ? null : sourceAddress,
      })),
    };
  };
  const driver = (pipeline: CleanPipeline) =>
    new TestDriver({ handler: pipeline.handle, inputs: { [RAW]: rawSchema, [RAW_V2]: rawBatchSchema }, outputs: { [pipeline.outputTopic]: pipeline.outputSchema } });

  it('emits one clean reading per reading of a batch, as from raw.v1, dead-letters a bad one naming it, and counts per reading', async () => {
    const fromV1 = driver(new CleanPipeline(contract));
    const pipeline = new CleanPipeline(contract);
    const fromV2 = driver(pipeline);
    // One message: received at once.
    const receivedTime = T0 + 5_000;
    const readings = [
      raw(1, { receivedTime, attributes: { 'opcua.datatype': 'Double' } }),
      raw(2, { receivedTime, value: 212, unit: '[degF]', sourceAddress: 'ns=1;s=y' }),
      raw(3, { receivedTime, signal: 'vibration_rms', value: -4, unit: 'mm/s' }),
      raw(4, { receivedTime }),
    ];
    await fromV1.pipe(
      RAW,
      readings.map((value) => ({ value })),
    );
    await fromV2.pipe(RAW_V2, [{ key: readings[0]!.assetPath, value: batchOf(readings) }]);
    expect(values(fromV2.outputs(pipeline.outputTopic))).toEqual(values(fromV1.outputs(pipeline.outputTopic)));
    expect(values(fromV2.outputs(pipeline.outputTopic)).map((r) => [r.sequenceNumber, r.sourceAddress])).toEqual([
      [1n, 'ns=1;s=x'],
      [2n, 'ns=1;s=y'],
      [4n, 'ns=1;s=x'],
    ]);
    expect(fromV2.deadLetters().map((letter) => (letter.error as Error).message)).toEqual([expect.stringMatching(/gw-berlin-1\/3 .*vibration-rms-plausible/s)]);
    expect(pipeline.stats()).toMatchObject({ clean: 3, converted: 1, rejected: 1 });
  });

  it('dead-letters a batch whose reading does not expand (attributes not a JSON object of strings), naming the reading', async () => {
    const pipeline = new CleanPipeline(contract);
    const broken = batchOf([raw(1), raw(2)]);
    broken.readings[1]!.attributes = '["opcua.datatype"]';
    const [result] = await pipeline.handle([{ topic: RAW_V2, partition: 0, offset: '0', key: null, value: broken, timestamp: 0, headers: {} }]);
    expect(result).toBeInstanceOf(RecordFailed);
    expect((result as RecordFailed).cause).toMatchObject({ name: 'ReadingBatchInvalid', message: expect.stringContaining('gw-berlin-1/2') });
  });

  it('drops readings of a batch a gateway replays after a crash, and takes a batch back when the runtime reruns it', async () => {
    const pipeline = new CleanPipeline(contract);
    const batch = (offset: number, readings: RawReading[]): StreamRecord<unknown> => ({
      topic: RAW_V2,
      partition: 0,
      offset: String(offset),
      key: readings[0]!.assetPath,
      value: batchOf(readings),
      timestamp: 0,
      headers: {},
    });
    expect(await pipeline.handle([batch(0, [raw(1), raw(2)])])).toHaveLength(2);
    // Rerun of the same record: its readings are its own, not duplicates.
    expect(await pipeline.handle([batch(0, [raw(1), raw(2)])])).toHaveLength(2);
    // The gateway resent the batch (a crash before Kafka's acknowledgement reached it): a new offset, the same readings.
    expect(await pipeline.handle([batch(1, [raw(1), raw(2)]), batch(2, [raw(3)])])).toHaveLength(1);
    expect(pipeline.stats()).toMatchObject({ duplicates: 2 });
  });
});
