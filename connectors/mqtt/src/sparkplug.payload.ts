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

/** A uint64 as protobufjs decodes it: a Long (two 32-bit halves), or a number where Long is not installed. */
type WireLong = number | { low: number; high: number };

/** A decoded protobuf message: fields absent on the wire are not its own properties (their defaults sit on the prototype). */
type WireMessage = Record<string, unknown>;

/** The field's value when it was on the wire, as protobufjs' own `toObject` tells presence. */
function present<T>(message: WireMessage, field: string): T | undefined {
  const value = message[field];
  return value != null && Object.hasOwn(message, field) ? (value as T) : undefined;
}

/** A uint64 as a number: exact below 2^53, rounded once above (as Number of its decimal text would be). */
function unsignedNumber(value: WireLong | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0);
}

function unsignedBigInt(value: WireLong | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? BigInt(value) : (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

function scalar(value: WireMessage): string | number | boolean | undefined {
  if (present<boolean>(value, 'isNull')) return undefined;
  return (
    present<string>(value, 'stringValue') ??
    present<number>(value, 'doubleValue') ??
    present<number>(value, 'floatValue') ??
    unsignedNumber(present<WireLong>(value, 'longValue')) ??
    present<number>(value, 'intValue') ??
    present<boolean>(value, 'booleanValue')
  );
}

function propertiesOf(metric: WireMessage): SparkplugMetric['properties'] {
  const properties: SparkplugMetric['properties'] = {};
  const set = present<{ keys?: string[]; values?: WireMessage[] }>(metric, 'properties');
  const keys = set?.keys ?? [];
  for (let index = 0; index < keys.length; index++) {
    const value = set?.values?.[index];
    const converted = value ? scalar(value) : undefined;
    if (converted !== undefined) properties[keys[index]!] = converted;
  }
  return properties;
}

/**
 * Throws SparkplugDecodeFailed when the bytes are not a Sparkplug B payload, and SparkplugTooManyMetrics
 * (before any metric is converted) when they hold more than `maxMetrics` metrics. Fields are read from the
 * decoded message directly: protobufjs' `toObject` (with 64-bit fields as decimal text) made a plain copy of
 * every metric and a string of every 64-bit number, the decoder's largest remaining cost per metric.
 */
export function decodeSparkplugPayload(bytes: Uint8Array, maxMetrics: number): SparkplugPayload {
  let message: WireMessage & { metrics: WireMessage[] };
  try {
    message = Payload.decode(bytes) as unknown as WireMessage & { metrics: WireMessage[] };
  } catch (error) {
    // Anything protobufjs throws (bad wire type, truncation, nesting deep enough to exhaust the stack) means bad bytes.
    throw new SparkplugDecodeFailed({ cause: error });
  }
  if (message.metrics.length > maxMetrics) throw new SparkplugTooManyMetrics(message.metrics.length, maxMetrics);
  const timestamp = unsignedNumber(present<WireLong>(message, 'timestamp'));
  const seq = unsignedNumber(present<WireLong>(message, 'seq'));
  const metrics: SparkplugMetric[] = new Array(message.metrics.length);
  for (let i = 0; i < message.metrics.length; i++) {
    const metric = message.metrics[i]!;
    const decoded: SparkplugMetric = {
      isHistorical: present<boolean>(metric, 'isHistorical') === true,
      isNull: present<boolean>(metric, 'isNull') === true,
      properties: propertiesOf(metric),
      raw: {
        intValue: present<number>(metric, 'intValue'),
        longValue: unsignedBigInt(present<WireLong>(metric, 'longValue')),
        floatValue: present<number>(metric, 'floatValue'),
        doubleValue: present<number>(metric, 'doubleValue'),
        booleanValue: present<boolean>(metric, 'booleanValue'),
        stringValue: present<string>(metric, 'stringValue'),
      },
    };
    const name = present<string>(metric, 'name');
    const alias = unsignedNumber(present<WireLong>(metric, 'alias'));
    const metricTime = unsignedNumber(present<WireLong>(metric, 'timestamp'));
    const datatype = present<number>(metric, 'datatype');
    if (name !== undefined) decoded.name = name;
    if (alias !== undefined) decoded.alias = alias;
    if (metricTime !== undefined) decoded.timestamp = metricTime;
    if (datatype !== undefined) decoded.datatype = datatype;
    metrics[i] = decoded;
  }
  return { ...(timestamp !== undefined ? { timestamp } : {}), ...(seq !== undefined ? { seq } : {}), metrics };
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
