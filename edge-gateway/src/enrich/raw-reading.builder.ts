import type { SourceReading } from '@fieldmesh/connect';
import type { DataContract } from '@fieldmesh/governance';
import type { Pseudonymiser } from '../privacy/pseudonymiser';
import type { AssetModel } from './asset.model';
import type { Calibration } from './calibration';

/** A `plant.telemetry.raw.v1` record before Avro encoding (times as epoch ms, sequence as a number). */
export interface RawReadingRecord {
  readingTime: number;
  receivedTime: number;
  gatewayId: string;
  sequenceNumber: number;
  deviceId: string;
  assetPath: string;
  signal: string;
  value: number | null;
  valueText: string | null;
  unit: string;
  quality: 'GOOD' | 'UNCERTAIN' | 'BAD';
  qualityCode: number | null;
  sourceProtocol: SourceReading['sourceProtocol'];
  sourceAddress: string;
  isHistorical: boolean;
  operatorBadge: string | null;
  attributes: Record<string, string>;
}

export interface BuildContext {
  gatewayId: string;
  contract: DataContract;
  calibration: Calibration;
  pseudonymiser: Pseudonymiser;
  /** Adds each reading's asset class (attribute `asset.class`); none when absent. */
  assets?: AssetModel;
}

/**
 * Turns a source reading into the raw telemetry record: calibrated value, unit, its asset's class, and every
 * personal field masked as the contract says (pseudonymised or dropped). Personal values the contract does not name are
 * dropped: nothing personal leaves the site by accident.
 */
export function buildRawReading(reading: SourceReading, sequenceNumber: number, receivedTime: number, context: BuildContext): RawReadingRecord {
  const numeric = typeof reading.value === 'number' ? context.calibration.apply(reading.assetPath, reading.signal, reading.value) : null;
  const text = typeof reading.value === 'string' || typeof reading.value === 'boolean' ? String(reading.value) : null;
  return {
    readingTime: reading.readingTime,
    receivedTime,
    gatewayId: context.gatewayId,
    sequenceNumber,
    deviceId: reading.deviceId,
    assetPath: reading.assetPath,
    signal: reading.signal,
    value: numeric,
    valueText: text,
    unit: reading.unit ?? '1',
    quality: reading.quality,
    qualityCode: reading.qualityCode ?? null,
    sourceProtocol: reading.sourceProtocol,
    sourceAddress: reading.sourceAddress,
    isHistorical: reading.isHistorical,
    operatorBadge: maskPersonal('operatorBadge', reading.personal?.operatorBadge, context),
    attributes: withCalibrationVersion(
      context.assets?.enrich(reading.assetPath, reading.attributes) ?? reading.attributes,
      numeric === null ? undefined : context.calibration.versionOf(reading.assetPath, reading.signal),
    ),
  };
}

/** Every reading a versioned calibration touched says which version did: lineage down to the reading. */
function withCalibrationVersion(attributes: Record<string, string>, version: number | undefined): Record<string, string> {
  return version === undefined ? attributes : { ...attributes, 'calibration.version': String(version) };
}

function maskPersonal(field: string, value: string | undefined, context: BuildContext): string | null {
  if (value === undefined) return null;
  const semantics = context.contract.fields[field];
  if (!semantics || semantics.classification !== 'personal') return null;
  return semantics.masking === 'pseudonymise' ? context.pseudonymiser.pseudonymise(value) : null;
}
