import type { SourceReading, SourceReject } from '@fieldmesh/connect';
import { type DataValue, DataType, type Variant } from 'node-opcua';
import type { SignalNode } from './signal.node';
import { qualityOf } from './status.quality';

/** Epoch ms of an OPC UA timestamp, undefined when absent or the "null" DateTime (1601-01-01). */
function epochMs(date: Date | null | undefined): number | undefined {
  const ms = date?.getTime();
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

type ScalarValue = SourceReading['value'];

/** A scalar the telemetry record can carry, or undefined for arrays, matrices and structures. */
function scalarOf(variant: Variant): ScalarValue | undefined {
  const value: unknown = variant.value;
  if (value === null || value === undefined) return null;
  if (variant.arrayType !== undefined && variant.arrayType !== 0) return undefined;
  if (variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64) {
    // node-opcua carries 64-bit integers as [high, low] 32-bit words.
    if (Array.isArray(value) && value.length === 2) return (value[0] as number) * 2 ** 32 + (value[1] as number);
    return undefined;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (variant.dataType === DataType.LocalizedText) return (value as { text?: string | null }).text ?? null;
  if (variant.dataType === DataType.QualifiedName) return (value as { name?: string | null }).name ?? null;
  return undefined;
}

/**
 * One data change as a reading: quality from the status code's severity (the raw code kept), reading
 * time from the source timestamp, else the server timestamp, else the time it was received.
 */
export function toSourceReading(signal: SignalNode, deviceId: string, dataValue: DataValue, receivedTime: number): SourceReading | SourceReject {
  const value = scalarOf(dataValue.value);
  const statusCode = dataValue.statusCode.value;
  if (value === undefined) {
    return {
      sourceAddress: signal.nodeId,
      payload: Buffer.from(JSON.stringify({ dataType: DataType[dataValue.value.dataType], arrayType: dataValue.value.arrayType, statusCode })),
      errorClass: 'UnsupportedOpcuaValue',
      reason: `${signal.nodeId} carries a ${DataType[dataValue.value.dataType]} ${dataValue.value.arrayType ? 'array' : 'structure'}, which a reading cannot hold; map a scalar variable instead`,
      receivedTime,
    };
  }
  return {
    readingTime: epochMs(dataValue.sourceTimestamp) ?? epochMs(dataValue.serverTimestamp) ?? receivedTime,
    deviceId,
    assetPath: signal.assetPath,
    signal: signal.signal,
    value,
    ...(signal.unit ? { unit: signal.unit } : {}),
    quality: qualityOf(statusCode),
    qualityCode: statusCode,
    sourceProtocol: 'OPC_UA',
    sourceAddress: signal.nodeId,
    isHistorical: false,
    attributes: {
      'opcua.status': dataValue.statusCode.name,
      'opcua.dataType': DataType[dataValue.value.dataType] ?? 'Unknown',
      // The instrument's measuring range travels with the reading: what a percent or plausibility judgement is relative to.
      ...(signal.euRange ? { 'opcua.euRange': `${signal.euRange.low}..${signal.euRange.high}` } : {}),
    },
  };
}
