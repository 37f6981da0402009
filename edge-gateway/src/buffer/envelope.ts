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
  const head = JSON.stringify({ topic: envelope.topic, key: envelope.key, headers: envelope.headers });
  const headLength = Buffer.byteLength(head);
  // One allocation per record: this runs for every reading the gateway buffers.
  const out = Buffer.allocUnsafe(4 + headLength + envelope.value.length);
  out.writeUInt32BE(headLength, 0);
  out.write(head, 4);
  envelope.value.copy(out, 4 + headLength);
  return out;
}

export function decodeEnvelope(payload: Buffer): Envelope {
  const headLength = payload.readUInt32BE(0);
  const head = JSON.parse(payload.subarray(4, 4 + headLength).toString()) as Omit<Envelope, 'value'>;
  return { ...head, value: payload.subarray(4 + headLength) };
}
