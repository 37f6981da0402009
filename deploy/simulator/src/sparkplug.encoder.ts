import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';
import type { Asset, Line } from './plant.model';
import type { Quality, Reading } from './reading';

const sparkplug = get('spBv1.0');
if (!sparkplug) throw new Error('sparkplug-payload does not provide the spBv1.0 namespace');
export const { encodePayload, decodePayload } = sparkplug;

export const NAMESPACE = 'spBv1.0';
export const REBIRTH_METRIC = 'Node Control/Rebirth';

/**
 * OPC DA quality codes (192 good, 64 uncertain, 0 bad), the convention Ignition and other Sparkplug
 * hosts read from a metric's `Quality` property. Sent only when a reading is not good.
 */
const QUALITY_CODES: Record<Quality, number> = { GOOD: 192, UNCERTAIN: 64, BAD: 0 };

export interface SparkplugMessage {
  topic: string;
  payload: Uint8Array;
}

interface DeviceMetric {
  name: string;
  alias: number;
  type: 'Double' | 'String';
  unit: string;
}

/**
 * The Sparkplug B state of one edge node (one line): topics, metric aliases (unique per node), the
 * message sequence number (0..255, wrapping, reset by each NBIRTH) and the birth/death sequence
 * `bdSeq` that ties an NBIRTH to the NDEATH the broker sends as the session's will.
 */
export class SparkplugEdgeNode {
  readonly groupId: string;
  readonly edgeNodeId: string;
  private readonly devices = new Map<string, { asset: Asset; metrics: Map<string, DeviceMetric> }>();
  private readonly aliases = new Map<number, { deviceId: string; metric: DeviceMetric }>();
  private seq = 0;
  bdSeq = 0;

  constructor(line: Line) {
    this.groupId = line.site;
    this.edgeNodeId = `${line.area}.${line.id}`;
    let alias = 1;
    for (const asset of line.assets) {
      const metrics = new Map<string, DeviceMetric>();
      for (const signal of asset.signals) {
        const metric: DeviceMetric = { name: signal.name, alias: alias++, type: signal.kind === 'number' ? 'Double' : 'String', unit: signal.unit };
        metrics.set(signal.name, metric);
        this.aliases.set(metric.alias, { deviceId: asset.id, metric });
      }
      this.devices.set(asset.id, { asset, metrics });
    }
  }

  topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD'): string;
  topic(type: 'DBIRTH' | 'DDATA' | 'DDEATH', deviceId: string): string;
  topic(type: string, deviceId?: string): string {
    const base = `${NAMESPACE}/${this.groupId}/${type}/${this.edgeNodeId}`;
    return deviceId ? `${base}/${deviceId}` : base;
  }

  deviceIds(): string[] {
    return [...this.devices.keys()];
  }

  /** The largest alias in use; the bad-input mode sends one beyond it. */
  maxAlias(): number {
    return Math.max(0, ...this.aliases.keys());
  }

  /** The NDEATH the broker publishes if this session dies: it carries the session's bdSeq. */
  ndeath(timestampMs: number): SparkplugMessage {
    return { topic: this.topic('NDEATH'), payload: encodePayload({ timestamp: timestampMs, metrics: [this.bdSeqMetric()] }) };
  }

  /** NBIRTH restarts the sequence at 0. */
  nbirth(timestampMs: number): SparkplugMessage {
    this.seq = 0;
    const metrics: UMetric[] = [this.bdSeqMetric(), { name: REBIRTH_METRIC, type: 'Boolean', value: false, timestamp: timestampMs }];
    return { topic: this.topic('NBIRTH'), payload: encodePayload({ timestamp: timestampMs, seq: this.nextSeq(), metrics }) };
  }

  /** DBIRTH lists every metric by name and alias, with its datatype, unit and current value. */
  dbirth(deviceId: string, timestampMs: number, current: ReadonlyMap<string, Reading>): SparkplugMessage {
    const device = this.device(deviceId);
    const metrics = [...device.metrics.values()].map((metric): UMetric => {
      const reading = current.get(metric.name);
      return {
        name: metric.name,
        alias: metric.alias,
        type: metric.type,
        value: reading?.value ?? null,
        timestamp: reading?.timestampMs ?? timestampMs,
        properties: { engUnit: { type: 'String', value: metric.unit } },
      };
    });
    return { topic: this.topic('DBIRTH', deviceId), payload: encodePayload({ timestamp: timestampMs, seq: this.nextSeq(), metrics }) };
  }

  /** DDATA carries metrics by alias only, each with its own timestamp, so one message may hold several samples. */
  ddata(deviceId: string, readings: readonly Reading[], timestampMs: number): SparkplugMessage {
    const device = this.device(deviceId);
    const metrics = readings.map((reading): UMetric => {
      const metric = device.metrics.get(reading.signal.name);
      if (!metric) throw new Error(`${deviceId} has no metric ${reading.signal.name}`);
      const out: UMetric = { alias: metric.alias, type: metric.type, value: reading.value, timestamp: reading.timestampMs };
      if (reading.historical) out.isHistorical = true;
      if (reading.quality !== 'GOOD') out.properties = { Quality: { type: 'Int32', value: QUALITY_CODES[reading.quality] } };
      return out;
    });
    return { topic: this.topic('DDATA', deviceId), payload: encodePayload({ timestamp: timestampMs, seq: this.nextSeq(), metrics }) };
  }

  /** A DDATA with an arbitrary payload body; the bad-input mode uses it for unknown aliases. */
  rawDdata(deviceId: string, payload: UPayload): SparkplugMessage {
    return { topic: this.topic('DDATA', deviceId), payload: encodePayload({ ...payload, seq: this.nextSeq() }) };
  }

  private bdSeqMetric(): UMetric {
    return { name: 'bdSeq', type: 'UInt64', value: this.bdSeq };
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 256;
    return seq;
  }

  private device(deviceId: string) {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`edge node ${this.edgeNodeId} has no device ${deviceId}`);
    return device;
  }
}

/** True when an NCMD payload asks for a rebirth. */
export function isRebirthRequest(payload: Uint8Array): boolean {
  const decoded = decodePayload(payload);
  return (decoded.metrics ?? []).some((metric) => metric.name === REBIRTH_METRIC && metric.value === true);
}
