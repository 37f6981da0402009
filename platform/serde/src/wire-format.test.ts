import { describe, expect, it } from 'vitest';
import { PayloadTooLarge, PayloadTooShort, UnknownMagicByte, WireFormatError } from './errors';
import { frame, unframe } from './wire-format';

const context = { topic: 'plant.telemetry.raw.v1' };

describe('Confluent wire format', () => {
  it('frames a body as magic byte 0, big-endian schema id, body', () => {
    const bytes = frame(258, Buffer.from([0xaa, 0xbb]));
    expect([...bytes]).toEqual([0, 0, 0, 1, 2, 0xaa, 0xbb]);
    const { schemaId, body } = unframe(bytes, 1024, context);
    expect(schemaId).toBe(258);
    expect([...body]).toEqual([0xaa, 0xbb]);
  });

  it('rejects a wrong magic byte with the byte, the topic and a stable name', () => {
    const error = catchError(() => unframe(Buffer.from('{"json":true}'), 1024, context));
    expect(error).toBeInstanceOf(UnknownMagicByte);
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error).toMatchObject({ name: 'UnknownMagicByte', magicByte: 0x7b, topic: context.topic, reason: 'magic byte 0x7b, expected 0x00' });
  });

  it.each([0, 1, 4])('rejects a payload of %i bytes as too short for the header', (length) => {
    const error = catchError(() => unframe(Buffer.alloc(length), 1024, context));
    expect(error).toBeInstanceOf(PayloadTooShort);
    expect(error).toMatchObject({ name: 'PayloadTooShort', length });
  });

  it('rejects a payload above the size limit before reading it', () => {
    const error = catchError(() => unframe(Buffer.alloc(2048), 1024, context));
    expect(error).toMatchObject({ name: 'PayloadTooLarge', length: 2048, maxPayloadBytes: 1024 });
    expect(error).toBeInstanceOf(PayloadTooLarge);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
