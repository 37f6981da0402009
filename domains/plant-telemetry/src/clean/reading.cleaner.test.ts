import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { CleanContractViolated, ContractIncomplete, ReadingBeyondClockSkew, ReadingLate } from '../errors';
import { type RawReading, ReadingCleaner } from './reading.cleaner';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const contract = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);

function raw(overrides: Partial<RawReading> = {}): RawReading {
  return {
    readingTime: new Date(T0),
    receivedTime: new Date(T0 + 120),
    gatewayId: 'gw-berlin-1',
    sequenceNumber: 42n,
    deviceId: 'plc-7',
    assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
    signal: 'bearing_temperature',
    value: 61.5,
    valueText: null,
    unit: 'Cel',
    quality: 'GOOD',
    qualityCode: 0n,
    sourceProtocol: 'OPC_UA',
    sourceAddress: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature',
    isHistorical: false,
    operatorBadge: null,
    attributes: {},
    ...overrides,
  };
}

describe('ReadingCleaner', () => {
  it('passes a good reading through with plain numbers and its arrival', () => {
    const outcome = new ReadingCleaner(contract).clean(raw());
    expect(outcome).toEqual({
      kind: 'clean',
      reading: expect.objectContaining({ readingTime: T0, sequenceNumber: 42, value: 61.5, unit: 'Cel', sourceUnit: 'Cel', qualityCode: 0, arrival: 'IN_ORDER' }),
    });
  });

  it('drops a repeat of the same gateway and sequence, keeps the same sequence of another gateway', () => {
    const cleaner = new ReadingCleaner(contract);
    expect(cleaner.clean(raw()).kind).toBe('clean');
    expect(cleaner.clean(raw()).kind).toBe('duplicate');
    expect(cleaner.clean(raw({ gatewayId: 'gw-berlin-2' })).kind).toBe('clean');
    expect(cleaner.stats()).toMatchObject({ clean: 2, duplicates: 1 });
  });

  it('converts a Fahrenheit temperature to Celsius and keeps the source unit', () => {
    const outcome = new ReadingCleaner(contract).clean(raw({ value: 212, unit: '[degF]' }));
    expect(outcome.kind === 'clean' && outcome.reading).toMatchObject({ value: 100, unit: 'Cel', sourceUnit: '[degF]' });
  });

  it('rejects a reading that breaks a quality rule, naming the rule', () => {
    const outcome = new ReadingCleaner(contract).clean(raw({ signal: 'vibration_rms', value: -3, unit: 'mm/s' }));
    expect(outcome.kind).toBe('rejected');
    const error = outcome.kind === 'rejected' ? outcome.error : undefined;
    expect(error).toBeInstanceOf(CleanContractViolated);
    expect(error?.message).toContain('vibration-rms-plausible');
  });

  it('rejects a unit it cannot convert to the canonical one of the signal', () => {
    const outcome = new ReadingCleaner(contract).clean(raw({ unit: 'furlong' }));
    expect(outcome.kind === 'rejected' && outcome.error.message).toMatch(/bearing-temperature-in-celsius/);
  });

  it('flags readings beyond the allowed lateness as LATE, as the contract says', () => {
    const cleaner = new ReadingCleaner(contract);
    cleaner.clean(raw({ sequenceNumber: 1n, readingTime: new Date(T0 + 10 * 60_000) }));
    const outOfOrder = cleaner.clean(raw({ sequenceNumber: 2n, readingTime: new Date(T0 + 9 * 60_000) }));
    const late = cleaner.clean(raw({ sequenceNumber: 3n, readingTime: new Date(T0) }));
    expect(outOfOrder.kind === 'clean' && outOfOrder.reading.arrival).toBe('OUT_OF_ORDER');
    expect(late.kind === 'clean' && late.reading.arrival).toBe('LATE');
  });

  it('dead-letters late readings when the contract says dlq', () => {
    const strict = { ...contract, contract: { ...contract.contract, processing: { ...contract.contract.processing!, lateReadings: 'dlq' as const } } };
    const cleaner = new ReadingCleaner(strict);
    cleaner.clean(raw({ sequenceNumber: 1n, readingTime: new Date(T0 + 10 * 60_000) }));
    const late = cleaner.clean(raw({ sequenceNumber: 2n, readingTime: new Date(T0) }));
    expect(late.kind === 'rejected' && late.error).toBeInstanceOf(ReadingLate);
  });

  it('rejects a reading stamped ten years ahead before it can make its series late or expire the dedupe memory', () => {
    const cleaner = new ReadingCleaner(contract, { clock: () => T0 + 60_000 });
    const ahead = cleaner.clean(raw({ sequenceNumber: 1n, readingTime: new Date(T0 + 10 * 365 * 86_400_000) }));
    expect(ahead.kind === 'rejected' && ahead.error).toBeInstanceOf(ReadingBeyondClockSkew);
    expect(ahead.kind === 'rejected' && ahead.error.message).toContain('beyond timeliness.maxClockSkew of 300000 ms');
    const next = cleaner.clean(raw({ sequenceNumber: 2n, readingTime: new Date(T0) }));
    expect(next.kind === 'clean' && next.reading.arrival).toBe('IN_ORDER');
    expect(cleaner.clean(raw({ sequenceNumber: 2n, readingTime: new Date(T0) })).kind).toBe('duplicate');
    expect(cleaner.stats()).toMatchObject({ beyondClockSkew: 1, late: 0, beyondDedupeHorizon: 0 });
  });

  it('does not count a reading again once forgotten after an unacknowledged attempt', () => {
    const cleaner = new ReadingCleaner(contract);
    cleaner.clean(raw());
    cleaner.forget('gw-berlin-1', 42);
    expect(cleaner.clean(raw()).kind).toBe('clean');
  });

  it('refuses a contract without deduplication settings', () => {
    const bare = { ...contract, contract: { ...contract.contract, processing: undefined } };
    expect(() => new ReadingCleaner(bare)).toThrow(ContractIncomplete);
  });
});
