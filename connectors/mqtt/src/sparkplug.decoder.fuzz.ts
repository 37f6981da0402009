import fc from 'fast-check';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { sparkplugFormatSchema } from './config';
import type { InboundMessage } from './decoded-message';
import { BirthRegistry } from './sparkplug.births';
import { SparkplugDecoder } from './sparkplug.decoder';

const Payload = proto.org.eclipse.tahu.protobuf.Payload;
const MAX_METRICS = 12;
/** Decoder reasons are summaries: a few problems, names cut. Generated topics are short, so this holds. */
const MAX_REASON_CHARS = 2_048;
const GROUP = 'berlin';
const NODE = 'press-shop.line-1';

const encode = (payload: proto.org.eclipse.tahu.protobuf.IPayload) => Payload.encode(Payload.create(payload)).finish();

/** Every value field of the protobuf, whatever the datatype says, so that mismatches are tried too. */
const value = fc.oneof(
  fc.constant({}),
  fc.nat().map((intValue) => ({ intValue })),
  fc.oneof(fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER)).map((longValue) => ({ longValue })),
  fc.float().map((floatValue) => ({ floatValue })),
  fc.double().map((doubleValue) => ({ doubleValue })),
  fc.boolean().map((booleanValue) => ({ booleanValue })),
  fc.string({ maxLength: 40 }).map((stringValue) => ({ stringValue })),
  fc.uint8Array({ maxLength: 16 }).map((bytesValue) => ({ bytesValue })),
);
const name = fc.oneof(fc.constantFrom('bdSeq', 'Node Control/Rebirth', 'temperature', 'state', '__proto__', 'constructor'), fc.string({ maxLength: 100 }));
const properties = fc.record({
  keys: fc.array(fc.constantFrom('engUnit', 'Quality', '__proto__', 'x'), { maxLength: 3 }),
  values: fc.array(
    fc.tuple(fc.integer({ min: 0, max: 25 }), value, fc.boolean()).map(([type, v, isNull]) => ({ type, isNull, ...v })),
    { maxLength: 3 },
  ),
});
const metric = fc
  .tuple(
    fc.record(
      { name, alias: fc.nat(6), timestamp: fc.maxSafeNat(), datatype: fc.integer({ min: 0, max: 25 }), isHistorical: fc.boolean(), isNull: fc.boolean(), properties },
      { requiredKeys: [] },
    ),
    value,
  )
  .map(([fields, v]) => ({ ...fields, ...v }));
const wellFormed = fc
  .record({ timestamp: fc.maxSafeNat(), seq: fc.nat(300), metrics: fc.array(metric, { maxLength: MAX_METRICS + 3 }) }, { requiredKeys: ['metrics'] })
  .map((payload) => encode(payload));
/** A well-formed payload with a byte flipped, cut or repeated. */
const mangled = fc.tuple(wellFormed, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'repeat')).map(([bytes, at, byte, how]) => {
  const i = bytes.length === 0 ? 0 : at % bytes.length;
  if (how === 'cut') return bytes.subarray(0, i);
  if (how === 'repeat') return Buffer.concat([bytes, bytes.subarray(i)]);
  const copy = Uint8Array.from(bytes);
  copy[i] = byte;
  return copy;
});
/** Nested length-delimited fields (metric → template → metric …) deep enough to exhaust a recursive decoder. */
const deep = fc.integer({ min: 100, max: 3_000 }).map((depth) => {
  // Built from the inside out: each level's header holds the length of everything inside it.
  const headers: number[][] = [];
  let inner = 0;
  for (let level = 0; level < depth; level++) {
    const header = [level % 2 === 0 ? 0x12 : 0x1a, ...varint(inner)];
    headers.push(header);
    inner += header.length;
  }
  return Uint8Array.from(headers.reverse().flat());
});
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const payload = fc.oneof(
  { weight: 5, arbitrary: wellFormed },
  { weight: 3, arbitrary: mangled },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: deep },
);
const topic = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .constantFrom('NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH', 'NCMD')
      .map((type) => `spBv1.0/${GROUP}/${type}/${NODE}${type.startsWith('D') ? '/pump-1' : ''}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);

const message = (where: string, bytes: Uint8Array, receivedTime: number): InboundMessage => ({
  topic: where,
  payload: Buffer.from(bytes),
  qos: 1,
  retain: false,
  dup: false,
  receivedTime,
});

/**
 * Any sequence of Sparkplug messages on one edge node: no throw, at most one reject per message with a
 * bounded reason, no more readings than the metric bound, and a node born after them still delivers.
 */
export const sparkplugDecoderFuzz = {
  name: 'sparkplug-b',
  arbitrary: fc.array(
    fc.tuple(
      topic,
      fc.oneof(
        payload,
        payload.map((bytes) => Buffer.from(bytes)),
      ),
    ),
    { minLength: 1, maxLength: 6 },
  ),
  check(messages: [string, Uint8Array][]): void {
    const decoder = new SparkplugDecoder(sparkplugFormatSchema.parse({ maxMetricsPerMessage: MAX_METRICS }), 65_536, new BirthRegistry(), () => 0);
    let time = 1_000;
    for (const [where, bytes] of messages) {
      const { readings, rejects } = decoder.decode(message(where, bytes, time++));
      if (rejects.length > 1) throw new Error(`one message gave ${rejects.length} rejects`);
      const reason = rejects[0]?.reason ?? '';
      if (reason.length > MAX_REASON_CHARS) throw new Error(`a reject reason of ${reason.length} characters`);
      if (!where.includes('DEATH') && readings.length > MAX_METRICS) throw new Error(`${readings.length} readings from one message`);
    }
    // A node the sequence never touched is born and reports: it must be read.
    const other = `spBv1.0/${GROUP}/%/after-the-fuzz`;
    decoder.decode(message(other.replace('%', 'NBIRTH'), encode({ seq: 0, metrics: [{ name: 'bdSeq', datatype: 8, longValue: 0 }] }), time++));
    decoder.decode(message(`${other.replace('%', 'DBIRTH')}/pump`, encode({ seq: 1, metrics: [{ name: 'temperature', alias: 1, datatype: 10, doubleValue: 1 }] }), time++));
    const data = decoder.decode(message(`${other.replace('%', 'DDATA')}/pump`, encode({ seq: 2, timestamp: time, metrics: [{ alias: 1, doubleValue: 61.5 }] }), time++));
    if (data.readings[0]?.value !== 61.5) throw new Error(`a valid DDATA after the fuzzed messages was not read: ${JSON.stringify(data)}`);
  },
};
