import { get } from 'sparkplug-payload';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { SparkplugDecodeFailed, SparkplugTooManyMetrics } from './errors';

/**
 * Sparkplug B payloads. We decode with the package's protobuf schema rather than its `decodePayload`,
 * because `decodePayload` reads a value only when the metric carries its datatype, and Sparkplug edge
 * nodes omit the datatype in DATA messages (the birth certificate declares it once).
 */
const Payload = proto.org.eclipse.tahu.protobuf.Payload;
const sparkplugB = get('spBv1.0')!;

/** Sparkplug B datatype codes (Tahu `DataType`). */
const DATATYPES: Record<number, string> = {
  1: 'Int8',
  2: 'Int16',
  3: 'Int32',
  4: 'Int64',
  5: 'UInt8',
  6: 'UInt16',
  7: 'UInt32',
  8: 'UInt64',
  9: 'Float',
  10: 'Double',
  11: 'Boolean',
  12: 'String',
  13: 'DateTime',
  14: 'Text',
  15: 'UUID',
  16: 'DataSet',
  17: 'Bytes',
  18: 'File',
  19: 'Template',
  20: 'PropertySet',
  21: 'PropertySetList',
};

export function datatypeName(code: number | undefined): string {
  return code === undefined ? 'Unknown' : (DATATYPES[code] ?? `Unknown(${code})`);
}

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  timestamp?: number;
  datatype?: number;
  isHistorical: boolean;
  isNull: boolean;
  /** Scalar properties (engUnit, Quality, …). */
  properties: Record<string, string | number | boolean>;
  raw: RawValue;
}

/** The value fields as decoded; each is undefined when not on the wire. */
interface RawValue {
  intValue?: number | undefined;
  /** uint64 on the wire; Int64 is its two's complement. */
  longValue?: bigint | undefined;
  floatValue?: number | undefined;
  doubleValue?: number | undefined;
  booleanValue?: boolean | undefined;
  stringValue?: string | undefined;
}

export interface SparkplugPayload {
  timestamp?: number;
  seq?: number;
  metrics: SparkplugMetric[];
}

/** protobufjs' plain object with 64-bit fields as decimal strings, so nothing is rounded before we convert. */
interface PlainValue extends Omit<RawValue, 'longValue'> {
  longValue?: string;
}

interface PlainPropertyValue extends PlainValue {
  type?: number;
  isNull?: boolean;
}

interface PlainMetric extends PlainValue {
  name?: string;
  alias?: string;
  timestamp?: string;
  datatype?: number;
  isHistorical?: boolean;
  isNull?: boolean;
  properties?: { keys?: string[]; values?: PlainPropertyValue[] };
}

function scalar(value: PlainPropertyValue): string | number | boolean | undefined {
  if (value.isNull) return undefined;
  return (
    value.stringValue ?? value.doubleValue ?? value.floatValue ?? (value.longValue !== undefined ? Number(value.longValue) : undefined) ?? value.intValue ?? value.booleanValue
  );
}

/**
 * Throws SparkplugDecodeFailed when the bytes are not a Sparkplug B payload, and SparkplugTooManyMetrics
 * (before any metric is converted) when they hold more than `maxMetrics` metrics.
 */
export function decodeSparkplugPayload(bytes: Uint8Array, maxMetrics: number): SparkplugPayload {
  let plain: { timestamp?: string; seq?: string; metrics?: PlainMetric[] };
  try {
    const message = Payload.decode(bytes);
    if (message.metrics.length > maxMetrics) throw new SparkplugTooManyMetrics(message.metrics.length, maxMetrics);
    plain = Payload.toObject(message, { longs: String });
  } catch (error) {
    if (error instanceof SparkplugTooManyMetrics) throw error;
    // Anything protobufjs throws (bad wire type, truncation, nesting deep enough to exhaust the stack) means bad bytes.
    throw new SparkplugDecodeFailed({ cause: error });
  }
  return {
    ...(plain.timestamp !== undefined ? { timestamp: Number(plain.timestamp) } : {}),
    ...(plain.seq !== undefined ? { seq: Number(plain.seq) } : {}),
    metrics: (plain.metrics ?? []).map((metric) => {
      const properties: SparkplugMetric['properties'] = {};
      const keys = metric.properties?.keys ?? [];
      keys.forEach((key, index) => {
        const value = metric.properties?.values?.[index];
        const converted = value ? scalar(value) : undefined;
        if (converted !== undefined) properties[key] = converted;
      });
      const { name, alias, timestamp, datatype, intValue, longValue, floatValue, doubleValue, booleanValue, stringValue } = metric;
      return {
        ...(name !== undefined ? { name } : {}),
        ...(alias !== undefined ? { alias: Number(alias) } : {}),
        ...(timestamp !== undefined ? { timestamp: Number(timestamp) } : {}),
        ...(datatype !== undefined ? { datatype } : {}),
        isHistorical: metric.isHistorical === true,
        isNull: metric.isNull === true,
        properties,
        raw: { intValue, longValue: longValue === undefined ? undefined : BigInt(longValue), floatValue, doubleValue, booleanValue, stringValue },
      };
    }),
  };
}

export type MetricValue = { ok: true; value: number | string | boolean | null } | { ok: false; reason: string };

/** The metric's value read with `datatype` (its own, or the one its birth certificate declared). */
export function metricValue(metric: SparkplugMetric, datatype: number | undefined): MetricValue {
  if (metric.isNull) return { ok: true, value: null };
  const { raw } = metric;
  let value: number | string | boolean | undefined;
  switch (datatype) {
    case 1:
    case 2:
    case 3:
      // Signed small integers travel as uint32 in two's complement.
      value = raw.intValue === undefined ? undefined : raw.intValue | 0;
      break;
    case 5:
    case 6:
      value = raw.intValue;
      break;
    case 4:
      value = raw.longValue === undefined ? undefined : Number(BigInt.asIntN(64, raw.longValue));
      break;
    case 7:
    case 8:
    case 13:
      // Readings carry doubles: integers above 2^53 lose their last digits here.
      value = raw.longValue === undefined ? undefined : Number(raw.longValue);
      break;
    case 9:
      value = raw.floatValue;
      break;
    case 10:
      value = raw.doubleValue;
      break;
    case 11:
      value = raw.booleanValue;
      break;
    case 12:
    case 14:
    case 15:
      value = raw.stringValue;
      break;
    default:
      return { ok: false, reason: `datatype ${datatypeName(datatype)} is not supported (only scalar metrics become readings)` };
  }
  if (value === undefined) return { ok: false, reason: `metric carries no ${datatypeName(datatype)} value` };
  return { ok: true, value };
}

/** NCMD payload asking an edge node to publish NBIRTH and all its DBIRTHs again. */
export function rebirthCommand(now: number): Buffer {
  return Buffer.from(sparkplugB.encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }));
}
