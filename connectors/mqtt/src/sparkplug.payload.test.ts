import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { describe, expect, it } from 'vitest';
import { SparkplugTooManyMetrics } from './errors';
import { decodeSparkplugPayload, metricValue } from './sparkplug.payload';

const Payload = proto.org.eclipse.tahu.protobuf.Payload;
const encode = (payload: object) => Payload.encode(Payload.fromObject(payload)).finish();

describe('Sparkplug B payload decoding', () => {
  it('reads 64-bit fields as the decimal text protobufjs gives for them: exact below 2^53, rounded once above, uint64 values exact', () => {
    const bytes = encode({
      timestamp: '9007199254740993', // 2^53 + 1
      seq: '7',
      metrics: [
        { alias: '18446744073709551615', timestamp: '1767225600000', datatype: 8, longValue: '18446744073709551615' },
        { name: 'count', datatype: 4, longValue: '18446744073709551614' }, // Int64 −2 in two's complement
        {
          name: 'temp',
          datatype: 10,
          doubleValue: 61.5,
          properties: {
            keys: ['Quality', 'engUnit'],
            values: [
              { type: 3, intValue: 192 },
              { type: 12, stringValue: 'Cel' },
            ],
          },
        },
      ],
    });
    const expected = Payload.toObject(Payload.decode(bytes), { longs: String }) as { timestamp: string; metrics: Array<{ alias?: string }> };
    const payload = decodeSparkplugPayload(bytes, 10);
    expect(payload.timestamp).toBe(Number(expected.timestamp));
    expect(payload.seq).toBe(7);
    const [big, count, temp] = payload.metrics;
    expect(big).toMatchObject({ alias: Number(expected.metrics[0]!.alias), timestamp: 1767225600000, datatype: 8 });
    expect(big!.raw.longValue).toBe(18446744073709551615n);
    expect(metricValue(count!, 4)).toEqual({ ok: true, value: -2 });
    expect(temp).toMatchObject({ name: 'temp', properties: { Quality: 192, engUnit: 'Cel' }, raw: { doubleValue: 61.5 } });
  });

  it('leaves out fields that were not on the wire, whatever defaults protobufjs keeps for them', () => {
    const [metric] = decodeSparkplugPayload(encode({ metrics: [{ alias: '3' }] }), 10).metrics;
    expect(metric).toEqual({
      alias: 3,
      isHistorical: false,
      isNull: false,
      properties: {},
      raw: { intValue: undefined, longValue: undefined, floatValue: undefined, doubleValue: undefined, booleanValue: undefined, stringValue: undefined },
    });
  });

  it('refuses more metrics than allowed before converting any', () => {
    expect(() => decodeSparkplugPayload(encode({ metrics: [{ alias: '1' }, { alias: '2' }] }), 1)).toThrow(SparkplugTooManyMetrics);
  });
});
