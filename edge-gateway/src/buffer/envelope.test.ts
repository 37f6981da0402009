import { AvroCodec, createAvroType, decodeLimitsSchema, frame } from '@fieldmesh/serde';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeAvroEnvelope, encodeEnvelope } from './envelope';

describe('buffer envelope', () => {
  it('round-trips topic, key, headers and binary value', () => {
    const value = Buffer.from([0, 0, 0, 0, 7, 255, 1]);
    const envelope = { topic: 'plant.telemetry.raw.v1', key: 'acme/berlin/a/b/c', value, headers: { 'fieldmesh.gateway': 'gw-1' } };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('keeps a null key', () => {
    expect(decodeEnvelope(encodeEnvelope({ topic: 't', key: null, value: Buffer.alloc(0), headers: {} })).key).toBeNull();
  });

  it('holds the same wire-format value as the serde encodes, records larger than its scratch buffer included', () => {
    const type = createAvroType({ type: 'record', name: 'R', fields: [{ name: 'text', type: 'string' }] });
    const codec = new AvroCodec(type, decodeLimitsSchema.parse({}));
    const writer = { topic: 't', subject: 't-value', schemaId: 42, codec };
    const head = { topic: 't', key: 'k', headers: { h: 'v' } };
    for (const text of ['short', 'x'.repeat(200_000), 'short again']) {
      const envelope = decodeEnvelope(encodeAvroEnvelope(head, writer, { text }));
      expect(envelope).toEqual({ ...head, value: frame(42, codec.encode({ text }, { topic: 't' })) });
    }
  });
});
