import type { SourceReading, SourceReject } from '@fieldmesh/connect';
import type { ContainerMapping } from './config';

/** A oneM2M <contentInstance> as the CSE represents it in JSON (`m2m:cin`), the attributes we read. */
export interface ContentInstance {
  ri?: string;
  rn?: string;
  /** creationTime, oneM2M basic time format YYYYMMDDTHHMMSS[,ffffff] in UTC. */
  ct?: string;
  /** contentInfo: media type and encoding, e.g. application/json:0 (0 plain, 1 base64 string, 2 base64 binary). */
  cnf?: string;
  con?: unknown;
  cr?: string | null;
}

export type MappedContent = { reading: SourceReading } | { reject: SourceReject };

/** oneM2M's basic time format (ISO 8601 basic, UTC): 20261207T142545,420216 → epoch ms; undefined when malformed. */
export function parseOnem2mTime(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:[,.](\d{1,6}))?Z?$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '0'] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The oneM2M time one microsecond before `value` (a `cra` filter then includes `value` itself); undefined when malformed. */
export function onem2mTimeBefore(value: string): string | undefined {
  const match = /^(\d{8}T\d{6})(?:[,.](\d{1,6}))?Z?$/.exec(value);
  const ms = parseOnem2mTime(value);
  if (!match || ms === undefined) return undefined;
  const micros = ms * 1000 + (Number((match[2] ?? '0').padEnd(6, '0')) % 1000) - 1;
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  const fraction = String(((micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)},${fraction}`;
}

/** RFC 6901: the value the pointer names, or `undefined` when a token is missing. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

class ContentRejected extends Error {
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** The content as a JSON value: `cnf` encoding 1/2 is base64; a string that is not JSON stays a string. */
function decodedContent(cin: ContentInstance): unknown {
  const encoding = /:(\d)$/.exec(cin.cnf ?? '')?.[1] ?? '0';
  let content = cin.con;
  if (encoding === '1' || encoding === '2') {
    if (typeof content !== 'string') throw new ContentRejected('ContentNotBase64', `cnf "${cin.cnf}" announces base64 but con is a ${typeof content}`);
    content = Buffer.from(content, 'base64').toString('utf8');
  } else if (encoding !== '0') {
    throw new ContentRejected('ContentEncodingUnsupported', `cnf "${cin.cnf}" names encoding ${encoding}; only 0 (plain), 1 and 2 (base64) are read`);
  }
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

function readingTime(cin: ContentInstance, content: unknown, mapping: ContainerMapping, receivedTime: number): number {
  if (mapping.timestampPointer !== undefined) {
    const raw = resolvePointer(content, mapping.timestampPointer);
    const time = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(time)) {
      throw new ContentRejected('ContentTimestampInvalid', `timestampPointer ${mapping.timestampPointer} gives ${JSON.stringify(raw)}, not epoch ms or an ISO 8601 time`);
    }
    return time;
  }
  return (cin.ct === undefined ? undefined : parseOnem2mTime(cin.ct)) ?? receivedTime;
}

function scalarValue(content: unknown, mapping: ContainerMapping): number | string | boolean {
  const value = resolvePointer(content, mapping.valuePointer);
  if (value === undefined) throw new ContentRejected('ContentPointerMissing', `valuePointer "${mapping.valuePointer}" names nothing in the content`);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  throw new ContentRejected(
    'ContentValueNotScalar',
    `valuePointer "${mapping.valuePointer}" names ${value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'}, not a number, string or boolean`,
  );
}

/**
 * Maps one contentInstance of a mapped container to a reading, or to a reject naming why (the gateway
 * dead-letters it with the original resource as payload).
 */
export function mapContentInstance(cin: ContentInstance, mapping: ContainerMapping, context: { cseBaseName: string; receivedTime: number; historical: boolean }): MappedContent {
  const sourceAddress = `${context.cseBaseName}/${mapping.container}`;
  try {
    const content = decodedContent(cin);
    // The value first: a content without it is reported as such, whatever its timestamp.
    const value = scalarValue(content, mapping);
    const reading: SourceReading = {
      readingTime: readingTime(cin, content, mapping, context.receivedTime),
      deviceId: mapping.deviceId ?? (typeof cin.cr === 'string' && cin.cr !== '' ? cin.cr : mapping.container),
      assetPath: mapping.assetPath,
      signal: mapping.signal,
      value,
      quality: 'GOOD',
      sourceProtocol: 'ONEM2M',
      sourceAddress,
      isHistorical: context.historical,
      attributes: { ...(cin.ri ? { 'onem2m.ri': cin.ri } : {}), ...(cin.cnf ? { 'onem2m.cnf': cin.cnf } : {}) },
    };
    if (mapping.unit !== undefined) reading.unit = mapping.unit;
    return { reading };
  } catch (error) {
    if (!(error instanceof ContentRejected)) throw error;
    return {
      reject: {
        sourceAddress,
        payload: Buffer.from(JSON.stringify({ 'm2m:cin': cin })),
        errorClass: error.errorClass,
        reason: `${error.message}; fix the device's content or the mapping of container ${mapping.container}`,
        receivedTime: context.receivedTime,
      },
    };
  }
}
