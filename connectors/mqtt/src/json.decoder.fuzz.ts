import fc from 'fast-check';
import { jsonFormatSchema } from './config';
import type { InboundMessage } from './decoded-message';
import { JsonDecoder } from './json.decoder';

const MAX_PAYLOAD_BYTES = 4_096;
const TOPIC = 'acme/berlin/press-shop/line-1/compressor-1/bearing_temperature';
const decoder = new JsonDecoder(
  [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}', signal: '{signal}' }],
  jsonFormatSchema.parse({}),
  MAX_PAYLOAD_BYTES,
);

const message = (topic: string, payload: Uint8Array): InboundMessage => ({
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  retain: false,
  dup: false,
  receivedTime: 1_800_000_000_000,
});

/** Field values of every JSON type, including the ones the plant's payload must not carry. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(Number.MAX_VALUE, -0, 1e308, '2026-13-45T99:99', 'good', 'BAD'));
const plantLike = fc
  .record({ timestamp_ms: anyValue, value: anyValue, unit: anyValue, quality: anyValue, operator: anyValue }, { requiredKeys: [] })
  .map((fields) => new TextEncoder().encode(JSON.stringify(fields)));
const text = (json: string) => new TextEncoder().encode(json);
/** Valid JSON with a byte flipped, cut or repeated: what a broken publisher or a bit error sends. */
const mangled = fc.tuple(plantLike, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'repeat')).map(([bytes, at, byte, how]) => {
  const i = bytes.length === 0 ? 0 : at % bytes.length;
  if (how === 'cut') return bytes.subarray(0, i);
  if (how === 'repeat') return Buffer.concat([bytes, bytes.subarray(i)]);
  const copy = Uint8Array.from(bytes);
  copy[i] = byte;
  return copy;
});
const payload = fc.oneof(
  plantLike,
  mangled,
  fc.uint8Array({ maxLength: 256 }),
  fc.json({ maxDepth: 4 }).map(text),
  // Deep nesting and a body just over the limit.
  fc.integer({ min: 1, max: 20_000 }).map((depth) => text(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc.constant(text(`{"value": "${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`)),
);
const topic = fc.oneof({ weight: 4, arbitrary: fc.constant(TOPIC) }, { weight: 1, arbitrary: fc.string({ maxLength: 80 }) });

/**
 * Any sequence of MQTT messages: each yields exactly one reading or one reject (never a throw), and a
 * well-formed message after the bad ones still becomes its reading.
 */
export const jsonDecoderFuzz = {
  name: 'mqtt-json',
  arbitrary: fc.array(fc.tuple(topic, payload), { minLength: 1, maxLength: 8 }),
  check(messages: [string, Uint8Array][]): void {
    for (const [where, bytes] of messages) {
      const { readings, rejects } = decoder.decode(message(where, bytes));
      if (readings.length + rejects.length !== 1) throw new Error(`one message gave ${readings.length} readings and ${rejects.length} rejects`);
    }
    const good = decoder.decode(message(TOPIC, text('{"timestamp_ms": 1795000000000, "value": 61.5, "unit": "Cel"}')));
    if (good.readings[0]?.value !== 61.5) throw new Error(`a valid payload after bad ones was not read: ${JSON.stringify(good)}`);
  },
};
