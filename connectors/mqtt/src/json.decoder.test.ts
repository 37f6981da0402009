import { describe, expect, it } from 'vitest';
import { jsonFormatSchema } from './config';
import type { InboundMessage } from './decoded-message';
import { JsonDecoder } from './json.decoder';

const TOPIC = 'acme/berlin/press-shop/line-1/compressor-1/bearing_temperature';
const decoder = new JsonDecoder(
  [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}', signal: '{signal}' }],
  jsonFormatSchema.parse({}),
  256,
);

const message = (payload: string | object, topic = TOPIC): InboundMessage => ({
  topic,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  qos: 1,
  retain: false,
  dup: false,
  receivedTime: 1_800_000_000_000,
});

const rejectOf = (payload: string | object, topic?: string) => {
  const result = decoder.decode(message(payload, topic));
  expect(result.readings).toEqual([]);
  expect(result.rejects).toHaveLength(1);
  return result.rejects[0]!;
};

describe('JSON payloads', () => {
  it("reads the plant's timestamp_ms/value/unit/quality payload into a reading on the mapped asset", () => {
    const [reading] = decoder.decode(message({ timestamp_ms: 1_795_000_000_000, value: 61.5, unit: 'Cel', quality: 'GOOD' })).readings;
    expect(reading).toEqual({
      readingTime: 1_795_000_000_000,
      deviceId: 'acme/berlin/press-shop/line-1/compressor-1',
      assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
      signal: 'bearing_temperature',
      value: 61.5,
      unit: 'Cel',
      quality: 'GOOD',
      sourceProtocol: 'MQTT_JSON',
      sourceAddress: TOPIC,
      isHistorical: false,
      attributes: { 'mqtt.qos': '1' },
    });
  });

  it('moves the operator badge to personal and nowhere else', () => {
    const [reading] = decoder.decode(message({ value: 1, operator: 'badge-17' })).readings;
    expect(reading!.personal).toEqual({ operatorBadge: 'badge-17' });
    expect(JSON.stringify({ ...reading, personal: undefined })).not.toContain('badge-17');
  });

  it('uses the receive time without a timestamp, accepts ISO-8601 times, and defaults quality to GOOD', () => {
    expect(decoder.decode(message({ value: 'RUNNING' })).readings[0]).toMatchObject({ readingTime: 1_800_000_000_000, quality: 'GOOD', value: 'RUNNING' });
    expect(decoder.decode(message({ value: 1, timestamp_ms: '2026-11-21T10:00:00Z', quality: 'uncertain' })).readings[0]).toMatchObject({
      readingTime: Date.parse('2026-11-21T10:00:00Z'),
      quality: 'UNCERTAIN',
    });
  });

  it.each([
    ['{"value": 1', 'PayloadNotJson', 'not JSON'],
    ['[1, 2]', 'PayloadNotObject', 'an array'],
    ['"text"', 'PayloadNotObject', 'string'],
    [{ timestamp_ms: 1 }, 'MissingValue', 'field "value" is missing'],
    [{ value: { nested: 1 } }, 'WrongFieldType', 'field "value" must be a number, string, boolean or null, got object'],
    [{ value: 1, timestamp_ms: true }, 'WrongFieldType', 'field "timestamp_ms"'],
    [{ value: 1, timestamp_ms: 'last tuesday' }, 'WrongFieldType', 'not an ISO-8601 time'],
    [{ value: 1, quality: 'SUPERB' }, 'InvalidQuality', 'not GOOD, UNCERTAIN or BAD'],
    [{ value: 1, unit: ['Cel'] }, 'WrongFieldType', 'field "unit"'],
    [{ value: 1, operator: { id: 1 } }, 'WrongFieldType', 'field "operator"'],
  ])('rejects %j as %s with a reason naming the problem', (payload, errorClass, reason) => {
    const reject = rejectOf(payload);
    expect(reject.errorClass).toBe(errorClass);
    expect(reject.reason).toContain(reason);
    expect(reject.sourceAddress).toBe(TOPIC);
  });

  it('rejects an oversized payload without parsing it', () => {
    const reject = rejectOf({ value: 1, padding: 'x'.repeat(300) });
    expect(reject).toMatchObject({ errorClass: 'PayloadTooLarge' });
    expect(reject.reason).toContain('maxPayloadBytes 256');
  });

  it('rejects a topic no rule maps', () => {
    expect(rejectOf({ value: 1 }, 'acme/berlin/too-short')).toMatchObject({ errorClass: 'NoMappingForTopic' });
  });

  it('uses configured field names and the first matching rule', () => {
    const custom = new JsonDecoder(
      [
        { topic: 'plant/+asset/temp', assetPath: 'acme/{asset}', signal: 'bearing_temperature', unit: 'Cel', deviceId: 'dev-{asset}' },
        { topic: 'plant/+asset/+signal', assetPath: 'other/{asset}', signal: '{signal}' },
      ],
      jsonFormatSchema.parse({ valueField: 'v', timestampField: 'ts', personalFields: { user: 'userName' } }),
      1_000,
    );
    const [reading] = custom.decode(message({ v: 3, ts: 5, user: 'jane' }, 'plant/p1/temp')).readings;
    expect(reading).toMatchObject({
      assetPath: 'acme/p1',
      deviceId: 'dev-p1',
      signal: 'bearing_temperature',
      value: 3,
      unit: 'Cel',
      readingTime: 5,
      personal: { userName: 'jane' },
    });
  });
});
