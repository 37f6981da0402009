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
const RAW = 'plant.telemetry.raw.v1';
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
