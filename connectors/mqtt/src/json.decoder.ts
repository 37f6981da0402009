import type { Quality, SourceReading } from '@fieldmesh/connect';
import type { JsonFormat, JsonMapping } from './config';
import { decoded, oversized, reject, type DecodedMessage, type InboundMessage, type MessageDecoder } from './decoded-message';
import { matchTopic, parseTopicPattern, renderTemplate, type TopicPattern } from './topic.pattern';

const QUALITIES: readonly Quality[] = ['GOOD', 'UNCERTAIN', 'BAD'];

type Field<T> = { ok: true; value: T } | { ok: false; errorClass: string; reason: string };

const wrongType = (name: string, expected: string, actual: unknown): Field<never> => ({
  ok: false,
  errorClass: 'WrongFieldType',
  reason: `field "${name}" must be ${expected}, got ${actual === null ? 'null' : Array.isArray(actual) ? 'an array' : typeof actual}`,
});

function timestampOf(name: string, raw: unknown, fallback: number): Field<number> {
  if (raw === undefined) return { ok: true, value: fallback };
  if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: Math.trunc(raw) };
  if (typeof raw === 'string') {
    const parsed = Date.parse(raw);
    if (!Number.isNaN(parsed)) return { ok: true, value: parsed };
    return { ok: false, errorClass: 'WrongFieldType', reason: `field "${name}" is not an ISO-8601 time: "${raw.slice(0, 64)}"` };
  }
  return wrongType(name, 'epoch milliseconds or an ISO-8601 string', raw);
}

function valueOf(name: string, raw: unknown): Field<SourceReading['value']> {
  if (raw === undefined) return { ok: false, errorClass: 'MissingValue', reason: `field "${name}" is missing` };
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
  return wrongType(name, 'a number, string, boolean or null', raw);
}

function qualityOf(name: string, raw: unknown): Field<Quality> {
  if (raw === undefined) return { ok: true, value: 'GOOD' };
  if (typeof raw !== 'string') return wrongType(name, 'GOOD, UNCERTAIN or BAD', raw);
  const quality = raw.toUpperCase() as Quality;
  if (QUALITIES.includes(quality)) return { ok: true, value: quality };
  return { ok: false, errorClass: 'InvalidQuality', reason: `field "${name}" is "${raw.slice(0, 64)}", not GOOD, UNCERTAIN or BAD` };
}

function optionalString(name: string, raw: unknown): Field<string | undefined> {
  if (raw === undefined || raw === null) return { ok: true, value: undefined };
  if (typeof raw === 'string') return { ok: true, value: raw };
  if (typeof raw === 'number') return { ok: true, value: String(raw) };
  return wrongType(name, 'a string', raw);
}

interface CompiledMapping {
  pattern: TopicPattern;
  mapping: JsonMapping;
}

/**
 * Turns one JSON message into one reading, mapped by the first rule whose topic pattern matches. Every
 * problem becomes a reject naming the field, so the gateway can dead-letter it and go on.
 */
export class JsonDecoder implements MessageDecoder {
  private readonly mappings: CompiledMapping[];

  constructor(
    mappings: readonly JsonMapping[],
    private readonly format: JsonFormat,
    private readonly maxPayloadBytes: number,
  ) {
    this.mappings = mappings.map((mapping) => ({ pattern: parseTopicPattern(mapping.topic), mapping }));
  }

  decode(message: InboundMessage): DecodedMessage {
    const tooLarge = oversized(message, this.maxPayloadBytes);
    if (tooLarge) return tooLarge;
    const fail = (errorClass: string, reason: string) => decoded({ rejects: [reject(message, errorClass, reason)] });

    let route: { mapping: JsonMapping; captures: Record<string, string> } | undefined;
    for (const { pattern, mapping } of this.mappings) {
      const captures = matchTopic(pattern, message.topic);
      if (captures) {
        route = { mapping, captures };
        break;
      }
    }
    if (!route) return fail('NoMappingForTopic', `no mapping rule matches topic "${message.topic}"`);

    let body: unknown;
    try {
      body = JSON.parse(message.payload.toString('utf8'));
    } catch (error) {
      return fail('PayloadNotJson', `payload is not JSON: ${(error as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return fail('PayloadNotObject', `payload must be a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
    const fields = body as Record<string, unknown>;
    const { format } = this;

    const value = valueOf(format.valueField, fields[format.valueField]);
    if (!value.ok) return fail(value.errorClass, value.reason);
    const readingTime = timestampOf(format.timestampField, fields[format.timestampField], message.receivedTime);
    if (!readingTime.ok) return fail(readingTime.errorClass, readingTime.reason);
    const quality = qualityOf(format.qualityField, fields[format.qualityField]);
    if (!quality.ok) return fail(quality.errorClass, quality.reason);
    const unit = optionalString(format.unitField, fields[format.unitField]);
    if (!unit.ok) return fail(unit.errorClass, unit.reason);

    const personal: Record<string, string> = {};
    for (const [jsonField, key] of Object.entries(format.personalFields)) {
      const extracted = optionalString(jsonField, fields[jsonField]);
      if (!extracted.ok) return fail(extracted.errorClass, extracted.reason);
      if (extracted.value !== undefined) personal[key] = extracted.value;
    }

    const { mapping, captures } = route;
    const assetPath = renderTemplate(mapping.assetPath, captures);
    const reading: SourceReading = {
      readingTime: readingTime.value,
      deviceId: mapping.deviceId ? renderTemplate(mapping.deviceId, captures) : assetPath,
      assetPath,
      signal: renderTemplate(mapping.signal, captures),
      value: value.value,
      quality: quality.value,
      sourceProtocol: 'MQTT_JSON',
      sourceAddress: message.topic,
      isHistorical: false,
      attributes: { 'mqtt.qos': String(message.qos), ...(message.retain ? { 'mqtt.retained': 'true' } : {}) },
    };
    const unitValue = unit.value ?? mapping.unit;
    if (unitValue !== undefined) reading.unit = unitValue;
    if (Object.keys(personal).length > 0) reading.personal = personal;
    return decoded({ readings: [reading] });
  }
}
