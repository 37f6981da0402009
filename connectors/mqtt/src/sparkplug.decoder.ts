import type { Quality, SourceReading } from '@fieldmesh/connect';
import type { SparkplugFormat } from './config';
import { decoded, oversized, reject, type DecodedMessage, type InboundMessage, type MessageDecoder, type RebirthRequest } from './decoded-message';
import { SparkplugDecodeFailed, SparkplugTooManyMetrics } from './errors';
import { bdSeqOf, type BirthRegistry, type DeadDevice, type MetricDefinition } from './sparkplug.births';
import { datatypeName, decodeSparkplugPayload, metricValue, type SparkplugMetric, type SparkplugPayload } from './sparkplug.payload';
import { metricLabel, MetricProblems } from './sparkplug.problems';
import { parseSparkplugTopic, type SparkplugTopic } from './sparkplug.topic';
import { renderTemplate } from './topic.pattern';

/** Entries per level of the decoder's identity cache (edge nodes and devices; metrics of one of them). */
const IDENTITY_CACHE_LIMIT = 10_000;

interface MetricIdentity {
  deviceId: string;
  assetPath: string;
  signal: string;
}

/** Node metrics that drive the Sparkplug session itself rather than measure anything. */
function isControlMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');
}

/** The OPC DA style `Quality` property some edge nodes (Ignition) put on metrics: 192 good, 64 uncertain. */
function qualityOf(metric: SparkplugMetric): { quality: Quality; qualityCode?: number } {
  const code = metric.properties.Quality;
  if (typeof code !== 'number') return { quality: 'GOOD' };
  return { quality: code >= 192 ? 'GOOD' : code >= 64 ? 'UNCERTAIN' : 'BAD', qualityCode: code };
}

/**
 * Turns Sparkplug B messages into readings: births register metric definitions (and their current values
 * are readings), DATA metrics are resolved by alias, deaths mark the signals BAD until the next birth.
 * An unknown alias or a seq gap asks the edge node for a rebirth (rate-limited per node). Whatever is
 * wrong with a message's metrics, it yields at most one reject (see MetricProblems).
 */
export class SparkplugDecoder implements MessageDecoder {
  /**
   * Newest reading time delivered per born metric, so that a rebirth's restated values are not delivered
   * again. Only metrics a birth certificate defines are kept: names a DATA message invents are not
   * restated by births, and keeping them would let a publisher grow this map without bound.
   */
  private readonly lastDelivered = new Map<string, number>();
  /** Rendered identities by edge node/device, then metric name (see identity()). */
  private readonly identities = new Map<string, Map<string, MetricIdentity>>();

  constructor(
    private readonly format: SparkplugFormat,
    private readonly maxPayloadBytes: number,
    private readonly births: BirthRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  decode(message: InboundMessage): DecodedMessage {
    const tooLarge = oversized(message, this.maxPayloadBytes);
    if (tooLarge) return tooLarge;
    const topic = parseSparkplugTopic(message.topic);
    if (!topic) {
      return decoded({ rejects: [reject(message, 'SparkplugTopicInvalid', `"${message.topic}" is not a spBv1.0/<group>/<type>/<node>[/<device>] topic`)] });
    }
    if (topic.type === 'NCMD' || topic.type === 'DCMD') return decoded();

    let payload: SparkplugPayload;
    try {
      payload = decodeSparkplugPayload(message.payload, this.format.maxMetricsPerMessage);
    } catch (error) {
      if (error instanceof SparkplugDecodeFailed || error instanceof SparkplugTooManyMetrics) return decoded({ rejects: [reject(message, error.name, error.message)] });
      throw error;
    }

    const { group, node, device } = topic;
    const result = decoded();
    if (topic.type === 'NDEATH') {
      const dead = this.births.nodeDeath(group, node, bdSeqOf(payload.metrics));
      if (dead) this.died(topic, message, dead, result);
      return result;
    }

    if (topic.type === 'NBIRTH') {
      this.births.nodeBirth(group, node, payload.metrics, payload.seq);
    } else if (this.births.checkSeq(group, node, payload.seq) === 'gap' && !message.dup) {
      // A redelivered message (dup) repeats an old seq: not a loss at the edge node.
      result.seqGaps = 1;
      this.requestRebirth(group, node, 'SparkplugSeqGap', result);
    }
    if (topic.type === 'DBIRTH' && device !== undefined) this.births.deviceBirth(group, node, device, payload.metrics);
    if (topic.type === 'DDEATH' && device !== undefined) {
      this.died(topic, message, [this.births.deviceDeath(group, node, device)], result);
      return result;
    }

    const stale = this.births.isDead(group, node, device);
    const problems = new MetricProblems();
    for (const metric of payload.metrics) {
      if (metric.name !== undefined && isControlMetric(metric.name)) continue;
      const definition = this.births.lookup(group, node, device, metric);
      const name = definition?.name ?? metric.name;
      if (name === undefined) {
        problems.add('UnknownSparkplugAlias', `${metricLabel(undefined, metric.alias)} has no birth certificate`);
        continue;
      }
      const datatype = metric.datatype ?? definition?.datatype;
      const value = metricValue(metric, datatype);
      if (!value.ok) {
        problems.add('SparkplugMetricUnreadable', `${metricLabel(name, undefined)}: ${value.reason}`);
        continue;
      }
      const readingTime = metric.timestamp ?? payload.timestamp ?? message.receivedTime;
      // A birth restates each metric's current value; a value already delivered (same or older time) or
      // not yet measured (null) is not a new reading, so a rebirth delivers nothing twice.
      const metricKey = `${group}/${node}/${device ?? ''}/${name}`;
      const delivered = this.lastDelivered.get(metricKey) ?? -Infinity;
      if ((topic.type === 'NBIRTH' || topic.type === 'DBIRTH') && (value.value === null || readingTime <= delivered)) continue;
      if (definition) this.lastDelivered.set(metricKey, Math.max(delivered, readingTime));
      const { quality, qualityCode } = stale ? { quality: 'BAD' as const, qualityCode: undefined } : qualityOf(metric);
      const reading = this.reading(topic, message, name, definition, {
        readingTime,
        value: value.value,
        quality,
        isHistorical: metric.isHistorical,
      });
      if (qualityCode !== undefined) reading.qualityCode = qualityCode;
      if (metric.alias !== undefined) reading.attributes['sparkplug.alias'] = String(metric.alias);
      reading.attributes['sparkplug.datatype'] = datatypeName(datatype);
      if (payload.seq !== undefined) reading.attributes['sparkplug.seq'] = String(payload.seq);
      if (result.seqGaps > 0) reading.attributes['sparkplug.seqGap'] = 'true';
      if (stale) reading.attributes['sparkplug.stale'] = 'true';
      result.readings.push(reading);
    }
    if (problems.count > 0) {
      let reason = problems.reason(payload.metrics.length);
      if (problems.has('UnknownSparkplugAlias')) {
        reason += `; aliases need the birth certificate of ${[group, node, device].filter(Boolean).join('/')}: a rebirth was requested`;
        this.requestRebirth(group, node, 'UnknownSparkplugAlias', result);
      }
      result.rejects.push(reject(message, problems.errorClass(), reason));
    }
    return result;
  }

  /** One BAD reading with no value per signal of each dead device, so consumers see the signals go stale. */
  private died(topic: SparkplugTopic, message: InboundMessage, dead: DeadDevice[], result: DecodedMessage): void {
    result.deaths = 1;
    for (const { device, metrics } of dead) {
      for (const definition of metrics) {
        if (isControlMetric(definition.name)) continue;
        const reading = this.reading({ ...topic, ...(device !== undefined ? { device } : {}) }, message, definition.name, definition, {
          readingTime: message.receivedTime,
          value: null,
          quality: 'BAD',
          isHistorical: false,
        });
        reading.attributes['sparkplug.event'] = topic.type;
        result.readings.push(reading);
      }
    }
  }

  private reading(
    topic: Pick<SparkplugTopic, 'group' | 'node' | 'device' | 'type'>,
    message: InboundMessage,
    metric: string,
    definition: MetricDefinition | undefined,
    fields: Pick<SourceReading, 'readingTime' | 'value' | 'quality' | 'isHistorical'>,
  ): SourceReading {
    const { deviceId, assetPath, signal } = this.identity(topic, metric);
    const reading: SourceReading = {
      ...fields,
      deviceId,
      assetPath,
      signal,
      sourceProtocol: 'SPARKPLUG_B',
      sourceAddress: message.topic,
      attributes: {
        'sparkplug.group': topic.group,
        'sparkplug.node': topic.node,
        ...(topic.device !== undefined ? { 'sparkplug.device': topic.device } : {}),
        'sparkplug.messageType': topic.type,
      },
    };
    if (definition?.unit !== undefined) reading.unit = definition.unit;
    return reading;
  }

  /**
   * Device, asset and signal of a metric, rendered from the templates once per edge node, device and
   * metric: rendering them for every metric of every DDATA was the decoder's largest cost in the bench's
   * CPU profile. The cache is dropped whole when it reaches IDENTITY_CACHE_LIMIT entries, so that metric
   * names a publisher invents cannot grow it without bound.
   */
  private identity(topic: Pick<SparkplugTopic, 'group' | 'node' | 'device'>, metric: string): MetricIdentity {
    const source = `${topic.group}/${topic.node}/${topic.device ?? ''}`;
    let metrics = this.identities.get(source);
    if (!metrics) {
      if (this.identities.size >= IDENTITY_CACHE_LIMIT) this.identities.clear();
      metrics = new Map();
      this.identities.set(source, metrics);
    }
    let identity = metrics.get(metric);
    if (!identity) {
      const { format } = this;
      const variables = { group: topic.group, node: topic.node, nodePath: topic.node.split(format.nodeIdSeparator).join('/'), device: topic.device ?? '', metric };
      identity = {
        deviceId: renderTemplate(format.deviceId, variables).split('/').filter(Boolean).join('/'),
        assetPath: renderTemplate(format.assetPath, variables).split('/').filter(Boolean).join('/'),
        signal: renderTemplate(format.signal, variables),
      };
      if (metrics.size >= IDENTITY_CACHE_LIMIT) metrics.clear();
      metrics.set(metric, identity);
    }
    return identity;
  }

  private requestRebirth(group: string, node: string, reason: RebirthRequest['reason'], result: DecodedMessage): void {
    if (result.rebirths.length > 0) return;
    if (this.births.rebirthDue(group, node, this.now(), this.format.rebirthIntervalMs)) result.rebirths.push({ group, node, reason });
  }
}
