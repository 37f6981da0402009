import { PayloadTooLarge, PayloadTooShort, type SerdeErrorContext, UnknownMagicByte } from './errors';

/** Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro body. */
export const MAGIC_BYTE = 0;
export const HEADER_BYTES = 5;

export interface Frame {
  schemaId: number;
  /** The Avro body: a view into the record's bytes, not a copy. */
  body: Buffer;
}

export function frame(schemaId: number, body: Buffer): Buffer {
  const bytes = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  bytes[0] = MAGIC_BYTE;
  bytes.writeInt32BE(schemaId, 1);
  body.copy(bytes, HEADER_BYTES);
  return bytes;
}

/** Splits a record value into schema id and body, refusing anything that is not a bounded frame. */
export function unframe(bytes: Buffer, maxPayloadBytes: number, context: SerdeErrorContext): Frame {
  if (bytes.length > maxPayloadBytes) throw new PayloadTooLarge(bytes.length, maxPayloadBytes, context);
  // The magic byte is checked first: for JSON or text sent by mistake it is the more telling error.
  if (bytes.length > 0 && bytes[0] !== MAGIC_BYTE) throw new UnknownMagicByte(bytes[0]!, context);
  if (bytes.length < HEADER_BYTES) throw new PayloadTooShort(bytes.length, context);
  return { schemaId: bytes.readInt32BE(1), body: bytes.subarray(HEADER_BYTES) };
}
