import { HEADER_BYTES, MAGIC_BYTE, type WriterSchema } from '@fieldmesh/serde';

/**
 * What the buffer stores per record: a Kafka record ready to send (topic, key, Avro value, headers).
 * Layout: [u32 length of JSON head][JSON { topic, key, headers }][value bytes]. Keys and header values are
 * strings in Fieldmesh's gateway, so JSON carries them without loss.
 */
export interface Envelope {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  const { value } = envelope;
  return withHead(envelope, value.length, (out, offset) => value.copy(out, offset));
}

/** Grown when a record does not fit; one per process, as every encode below is synchronous. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The envelope of a record whose value is `record` in the Confluent wire format of `writer`, the Avro body
 * encoded once into a scratch buffer and copied once into the envelope. `AvroSerde.encode` followed by
 * encodeEnvelope allocated and copied the body three times (avsc's zero-filled result, the framing, the
 * envelope): a tenth of the gateway's CPU time per Sparkplug metric in the bench's profile. The record must
 * have been checked against the schema: an invalid one throws avsc's error.
 */
export function encodeAvroEnvelope(head: Omit<Envelope, 'value'>, writer: WriterSchema, record: unknown): Buffer {
  let end = writer.codec.type.encode(record, scratch, 0);
  if (end < 0) {
    // avsc answers how many bytes were missing.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    end = writer.codec.type.encode(record, scratch, 0);
  }
  return withHead(head, HEADER_BYTES + end, (out, offset) => {
    out[offset] = MAGIC_BYTE;
    out.writeInt32BE(writer.schemaId, offset + 1);
    scratch.copy(out, offset + HEADER_BYTES, 0, end);
  });
}

/** One allocation per record: this runs for every reading the gateway buffers. */
function withHead({ topic, key, headers }: Omit<Envelope, 'value'>, valueLength: number, writeValue: (out: Buffer, offset: number) => void): Buffer {
  const head = JSON.stringify({ topic, key, headers });
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(4 + headLength + valueLength);
  out.writeUInt32BE(headLength, 0);
  out.write(head, 4);
  writeValue(out, 4 + headLength);
  return out;
}

export function decodeEnvelope(payload: Buffer): Envelope {
  const headLength = payload.readUInt32BE(0);
  const head = JSON.parse(payload.subarray(4, 4 + headLength).toString()) as Omit<Envelope, 'value'>;
  return { ...head, value: payload.subarray(4 + headLength) };
}
