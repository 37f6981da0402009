import { join } from 'node:path';
import type { SourceReading } from '@fieldmesh/connect';
import { loadContract, validateRecord } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../privacy/pseudonymiser';
import { AssetModel } from './asset.model';
import { Calibration } from './calibration';
import { buildRawReading } from './raw-reading.builder';

const root = join(import.meta.dirname, '..', '..', '..');
const raw = loadContract(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), root);
const pseudonymiser = Pseudonymiser.fromKey(Buffer.alloc(32, 3));
const context = { gatewayId: 'gw-1', contract: raw.contract, calibration: new Calibration([{ signal: 'bearing_temperature', scale: 1, offset: -0.5 }]), pseudonymiser };

const reading: SourceReading = {
  readingTime: 1795000000000,
  deviceId: 'plc-7',
  assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
  signal: 'bearing_temperature',
  value: 62,
  unit: 'Cel',
  quality: 'GOOD',
  sourceProtocol: 'MQTT_JSON',
  sourceAddress: 'acme/berlin/press-shop/line-1/compressor-1/bearing_temperature',
  isHistorical: false,
  personal: { operatorBadge: 'badge-1234', userName: 'j.doe' },
  attributes: {},
};

describe('buildRawReading', () => {
  it('builds a record the contract accepts, calibrated, with gateway and sequence', () => {
    const record = buildRawReading(reading, 17, 1795000000100, context);
    expect(validateRecord(raw, record as unknown as Record<string, unknown>)).toEqual([]);
    expect(record).toMatchObject({ value: 61.5, gatewayId: 'gw-1', sequenceNumber: 17, receivedTime: 1795000000100, valueText: null });
  });

  it('pseudonymises the operator badge and drops personal values the contract does not name', () => {
    const record = buildRawReading(reading, 1, 0, context);
    expect(record.operatorBadge).toBe(pseudonymiser.pseudonymise('badge-1234'));
    expect(JSON.stringify(record)).not.toContain('badge-1234');
    expect(JSON.stringify(record)).not.toContain('j.doe');
  });

  it("carries the asset's class in the attribute asset.class, and the record still validates", () => {
    const assets = new AssetModel([{ assetPath: reading.assetPath, class: 'compressor' }]);
    const record = buildRawReading({ ...reading, attributes: { 'opcua.euRange': '0..150' } }, 1, 0, { ...context, assets });
    expect(record.attributes).toEqual({ 'opcua.euRange': '0..150', 'asset.class': 'compressor' });
    expect(validateRecord(raw, record as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('stamps the version of the calibration that touched a reading as calibration.version, and only on readings it touched', () => {
    const calibration = new Calibration([{ signal: 'bearing_temperature', scale: 1.02, offset: -0.4, version: 3 }]);
    const record = buildRawReading(reading, 1, 0, { ...context, calibration });
    expect(record.attributes).toEqual({ 'calibration.version': '3' });
    expect(validateRecord(raw, record as unknown as Record<string, unknown>)).toEqual([]);
    expect(buildRawReading({ ...reading, signal: 'flow', unit: 'm3/h' }, 1, 0, { ...context, calibration }).attributes).toEqual({});
    expect(buildRawReading({ ...reading, value: 'RUNNING' }, 1, 0, { ...context, calibration }).attributes).toEqual({});
  });

  it('carries text and boolean values as text', () => {
    expect(buildRawReading({ ...reading, value: 'RUNNING' }, 1, 0, context)).toMatchObject({ value: null, valueText: 'RUNNING' });
    expect(buildRawReading({ ...reading, value: true }, 1, 0, context)).toMatchObject({ value: null, valueText: 'true' });
  });

  it("drops the badge when the contract says 'drop'", () => {
    const dropping = {
      ...context,
      contract: { ...raw.contract, fields: { ...raw.contract.fields, operatorBadge: { ...raw.contract.fields.operatorBadge!, masking: 'drop' as const } } },
    };
    expect(buildRawReading(reading, 1, 0, dropping).operatorBadge).toBeNull();
  });
});
