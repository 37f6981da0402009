import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope';

describe('buffer envelope', () => {
  it('round-trips topic, key, headers and binary value', () => {
    const value = Buffer.from([0, 0, 0, 0, 7, 255, 1]);
    const envelope = { topic: 'plant.telemetry.raw.v1', key: 'acme/berlin/a/b/c', value, headers: { 'fieldmesh.gateway': 'gw-1' } };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('keeps a null key', () => {
    expect(decodeEnvelope(encodeEnvelope({ topic: 't', key: null, value: Buffer.alloc(0), headers: {} })).key).toBeNull();
  });
});
