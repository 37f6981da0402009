import type { ResourceType } from './ipso.objects';
import type { ContentFormatName } from './config';

/** CoAP Content-Format numbers of the formats read (OMA LwM2M 1.1 TS Core §7.4, IANA CoAP registry). */
export const CONTENT_FORMAT_CODES: Readonly<Record<ContentFormatName, number>> = { text: 0, 'senml+json': 110, tlv: 11542 };

/** The names node-coap gives those numbers in a response's Content-Format header. */
const FORMAT_BY_HEADER: Readonly<Record<string, ContentFormatName>> = {
  'text/plain': 'text',
  'application/senml+json': 'senml+json',
  'application/vnd.oma.lwm2m+tlv': 'tlv',
};

export interface DecodedValue {
  /** Full LwM2M path of the value, e.g. /3303/0/5700. */
  path: string;
  value: number | string | boolean;
  /** Time the device gave the value (SenML `bt`+`t`), epoch ms; absent when it gave none. */
  time?: number;
}

/** A payload that cannot be decoded; `errorClass` is the stable name the DLQ carries. */
export class ContentUndecodable extends Error {
  override readonly name = 'ContentUndecodable';
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** The format a notification's Content-Format header names, or undefined for one the connector does not read. */
export function formatOfHeader(header: unknown): ContentFormatName | undefined {
  if (header === undefined) return 'text';
  return typeof header === 'string' ? FORMAT_BY_HEADER[header] : undefined;
}

/**
 * Decodes a Read/Notify payload of `requestedPath` into the values it holds. TLV and plain text carry no
 * type, so `type` says how to read the requested resource's bytes.
 */
export function decodeContent(format: ContentFormatName, payload: Buffer, requestedPath: string, type: ResourceType, now = Date.now()): DecodedValue[] {
  switch (format) {
    case 'senml+json':
      return decodeSenmlJson(payload, now);
    case 'tlv':
      return decodeTlv(payload, requestedPath, type);
    case 'text':
      return [{ path: requestedPath, value: decodeScalar(payload, type, 'text') }];
  }
}

/** SenML times below 2^28 s are relative to now (RFC 8428 §4.5.3). */
const RELATIVE_TIME_LIMIT = 2 ** 28;

function decodeSenmlJson(payload: Buffer, now: number): DecodedValue[] {
  let records: unknown;
  try {
    records = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new ContentUndecodable('SenmlNotJson', `the SenML JSON payload does not parse: ${(error as Error).message}`);
  }
  if (!Array.isArray(records)) throw new ContentUndecodable('SenmlNotArray', 'a SenML JSON pack must be an array of records');
  let baseName = '';
  let baseTime: number | undefined;
  const values: DecodedValue[] = [];
  for (const record of records as unknown[]) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new ContentUndecodable('SenmlRecordInvalid', 'a SenML record must be an object');
    const { bn, bt, n, t, v, vs, vb } = record as Record<string, unknown>;
    if (typeof bn === 'string') baseName = bn;
    if (typeof bt === 'number') baseTime = bt;
    const name = baseName + (typeof n === 'string' ? n : '');
    const value = typeof v === 'number' ? v : typeof vs === 'string' ? vs : typeof vb === 'boolean' ? vb : undefined;
    // A record with only base fields, or an opaque/object-link value (vd, vlo), carries no scalar to map.
    if (value === undefined) continue;
    if (!/^\/\d+\/\d+\/\d+(\/\d+)?$/.test(name)) throw new ContentUndecodable('SenmlNameInvalid', `the SenML record name "${name}" is not an LwM2M resource path`);
    const decoded: DecodedValue = { path: name, value };
    if (typeof t === 'number' || baseTime !== undefined) {
      const seconds = (baseTime ?? 0) + (typeof t === 'number' ? t : 0);
      decoded.time = Math.abs(seconds) < RELATIVE_TIME_LIMIT ? now + seconds * 1000 : seconds * 1000;
    }
    values.push(decoded);
  }
  return values;
}

interface Tlv {
  kind: 'objectInstance' | 'resourceInstance' | 'multipleResource' | 'resource';
  id: number;
  value: Buffer;
}

const TLV_KINDS = ['objectInstance', 'resourceInstance', 'multipleResource', 'resource'] as const;

/** OMA-TLV entries of one level (LwM2M 1.1 TS Core §7.4.3). */
function parseTlv(buffer: Buffer): Tlv[] {
  const entries: Tlv[] = [];
  let offset = 0;
  const need = (bytes: number) => {
    if (offset + bytes > buffer.length) throw new ContentUndecodable('TlvTruncated', `the TLV payload ends inside an entry (${buffer.length} bytes)`);
  };
  while (offset < buffer.length) {
    const header = buffer.readUInt8(offset++);
    const kind = TLV_KINDS[header >> 6] as Tlv['kind'];
    const idBytes = header & 0x20 ? 2 : 1;
    need(idBytes);
    const id = buffer.readUIntBE(offset, idBytes);
    offset += idBytes;
    const lengthType = (header >> 3) & 0x03;
    let length = header & 0x07;
    if (lengthType > 0) {
      need(lengthType);
      length = buffer.readUIntBE(offset, lengthType);
      offset += lengthType;
    }
    need(length);
    entries.push({ kind, id, value: buffer.subarray(offset, offset + length) });
    offset += length;
  }
  return entries;
}

function decodeTlv(payload: Buffer, requestedPath: string, type: ResourceType): DecodedValue[] {
  const [objectId, instanceId] = requestedPath.split('/').slice(1).map(Number) as [number, number];
  const values: DecodedValue[] = [];
  const resources = (entries: Tlv[], instance: number) => {
    for (const entry of entries) {
      // Multiple-instance resources are not mapped to one signal: skipped, as SenML's are by their longer name.
      if (entry.kind === 'resource') values.push({ path: `/${objectId}/${instance}/${entry.id}`, value: decodeScalar(entry.value, type, 'tlv') });
    }
  };
  const top = parseTlv(payload);
  for (const entry of top) {
    if (entry.kind === 'objectInstance') resources(parseTlv(entry.value), entry.id);
  }
  resources(top, instanceId);
  return values;
}

function decodeScalar(bytes: Buffer, type: ResourceType, format: 'tlv' | 'text'): number | string | boolean {
  const text = () => bytes.toString('utf8');
  const wrong = (what: string) => new ContentUndecodable(format === 'tlv' ? 'TlvValueInvalid' : 'TextValueInvalid', `${what} is not a valid ${type}`);
  switch (type) {
    case 'string':
      return text();
    case 'boolean':
      if (format === 'tlv') {
        if (bytes.length !== 1 || bytes[0]! > 1) throw wrong(`0x${bytes.toString('hex')}`);
        return bytes[0] === 1;
      }
      if (text() !== '0' && text() !== '1') throw wrong(JSON.stringify(text()));
      return text() === '1';
    case 'integer':
      if (format === 'tlv') {
        if (![1, 2, 4, 8].includes(bytes.length)) throw wrong(`a ${bytes.length}-byte value`);
        return Number(bytes.length === 8 ? bytes.readBigInt64BE() : bytes.readIntBE(0, bytes.length));
      }
      if (!/^-?\d+$/.test(text())) throw wrong(JSON.stringify(text()));
      return Number(text());
    case 'float': {
      if (format === 'tlv') {
        if (bytes.length === 4) return bytes.readFloatBE();
        if (bytes.length === 8) return bytes.readDoubleBE();
        throw wrong(`a ${bytes.length}-byte value`);
      }
      const value = Number(text());
      if (text().trim() === '' || !Number.isFinite(value)) throw wrong(JSON.stringify(text()));
      return value;
    }
  }
}
