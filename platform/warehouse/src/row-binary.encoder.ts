import type { ColumnEncoding, WarehouseColumn } from './column.mapping';
import { RowEncodeFailed } from './errors';

/** Kafka coordinates of a record, written into the provenance columns. */
export interface KafkaCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** A growable buffer with the primitive writes of ClickHouse's RowBinary format (little endian). */
class ByteSink {
  buffer = Buffer.allocUnsafe(1 << 16);
  position = 0;

  ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.position + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.position);
    this.buffer = next;
  }

  varUInt(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.position++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[this.position++] = v;
  }

  /** Safe integers without a BigInt: low and high 32-bit words (two's complement for negatives). */
  int64(value: number): void {
    this.ensure(8);
    const low = value % 0x1_0000_0000;
    const high = Math.floor(value / 0x1_0000_0000);
    this.buffer.writeUInt32LE(low < 0 ? low + 0x1_0000_0000 : low, this.position);
    this.buffer.writeInt32LE(high, this.position + 4);
    this.position += 8;
  }

  string(text: string): void {
    // Short ASCII strings (asset paths, units, enums as text) are most of a row: copy them without
    // measuring and re-encoding; anything else goes through the UTF-8 encoder.
    if (text.length < 128) {
      this.ensure(text.length + 1);
      const start = this.position;
      this.buffer[this.position++] = text.length;
      let i = 0;
      for (; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) break;
        this.buffer[this.position++] = code;
      }
      if (i === text.length) return;
      this.position = start;
    }
    const length = Buffer.byteLength(text);
    this.varUInt(length);
    this.ensure(length);
    this.position += this.buffer.write(text, this.position, length, 'utf8');
  }

  bytes(bytes: Buffer): void {
    this.varUInt(bytes.length);
    this.ensure(bytes.length);
    this.position += bytes.copy(this.buffer, this.position);
  }
}

type ValueWriter = (sink: ByteSink, value: unknown) => void;

const isInteger = (v: unknown): v is number | bigint => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
const epochMs = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** A writer per encoding, built once per column so the per-row path has no type dispatch on strings. */
function writerFor(encoding: ColumnEncoding, fail: (value: unknown) => never): ValueWriter {
  switch (encoding.kind) {
    case 'bool':
      return (s, v) => {
        if (typeof v !== 'boolean') fail(v);
        s.ensure(1);
        s.buffer[s.position++] = v ? 1 : 0;
      };
    case 'uint8':
      return (s, v) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) fail(v);
        s.ensure(1);
        s.buffer[s.position++] = v as number;
      };
    case 'int32':
      return (s, v) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) fail(v);
        s.ensure(4);
        s.position = s.buffer.writeInt32LE(v as number, s.position);
      };
    case 'int64':
    case 'uint64':
      return (s, v) => {
        const n = typeof v === 'bigint' || typeof v === 'string' ? Number(v) : v;
        if (typeof n === 'number' && Number.isSafeInteger(n) && (n >= 0 || encoding.kind === 'int64')) return s.int64(n);
        const big = typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : isInteger(v) ? BigInt(v) : fail(v);
        s.ensure(8);
        s.position = encoding.kind === 'int64' ? s.buffer.writeBigInt64LE(big, s.position) : s.buffer.writeBigUInt64LE(big, s.position);
      };
    case 'float32':
    case 'float64':
      return (s, v) => {
        if (typeof v !== 'number') fail(v);
        s.ensure(8);
        s.position = encoding.kind === 'float64' ? s.buffer.writeDoubleLE(v as number, s.position) : s.buffer.writeFloatLE(v as number, s.position);
      };
    case 'string':
      return (s, v) => {
        if (typeof v === 'string') s.string(v);
        else if (Buffer.isBuffer(v)) s.bytes(v);
        else fail(v);
      };
    case 'date':
      return (s, v) => {
        // Avro `date` is days since the epoch already; ClickHouse Date is UInt16 days.
        if (typeof v !== 'number' && !(v instanceof Date)) fail(v);
        const days = v instanceof Date ? Math.floor(v.getTime() / 86_400_000) : (v as number);
        s.ensure(2);
        s.position = s.buffer.writeUInt16LE(days, s.position);
      };
    case 'datetime64ms':
      return (s, v) => {
        const ms = epochMs(v);
        if (ms === undefined || !Number.isSafeInteger(ms)) fail(v);
        s.int64(ms as number);
      };
    case 'datetime':
      return (s, v) => {
        const ms = epochMs(v);
        if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms >= 2 ** 32 * 1000) fail(v);
        s.ensure(4);
        s.position = s.buffer.writeUInt32LE(Math.floor((ms as number) / 1000), s.position);
      };
    case 'enum8': {
      const codes = new Map(encoding.symbols.map((symbol, i) => [symbol, i + 1]));
      return (s, v) => {
        const code = typeof v === 'string' ? codes.get(v) : undefined;
        if (code === undefined) fail(v);
        s.ensure(1);
        s.position = s.buffer.writeInt8(code as number, s.position);
      };
    }
    case 'nullable': {
      const inner = writerFor(encoding.inner, fail);
      return (s, v) => {
        s.ensure(1);
        if (v === null || v === undefined) {
          s.buffer[s.position++] = 1;
          return;
        }
        s.buffer[s.position++] = 0;
        inner(s, v);
      };
    }
    case 'array': {
      const item = writerFor(encoding.item, fail);
      return (s, v) => {
        if (!Array.isArray(v)) fail(v);
        const list = v as unknown[];
        s.varUInt(list.length);
        for (const element of list) item(s, element);
      };
    }
    case 'map': {
      const value = writerFor(encoding.value, fail);
      return (s, v) => {
        const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' && v !== null ? Object.entries(v) : fail(v);
        s.varUInt(entries.length);
        for (const [key, element] of entries) {
          s.string(String(key));
          value(s, element);
        }
      };
    }
  }
}

type Extractor = (record: Record<string, unknown>, kafka: KafkaCoordinates) => unknown;

function extractorFor(column: WarehouseColumn): Extractor {
  const source = column.source;
  switch (source.from) {
    case 'field':
      return (record) => record[source.field];
    case 'map-keys':
      return (record) => Object.keys((record[source.field] as object | null) ?? {});
    case 'map-values':
      return (record) => Object.values((record[source.field] as object | null) ?? {});
    case 'nested':
      return (record) => ((record[source.field] as Array<Record<string, unknown>> | null) ?? []).map((item) => item[source.subfield]);
    case 'kafka':
      if (source.part === 'topic') return (_, kafka) => kafka.topic;
      if (source.part === 'partition') return (_, kafka) => kafka.partition;
      return (_, kafka) => kafka.offset;
  }
}

/**
 * Encodes decoded records as RowBinary in the table's column order, one record at a time so that a
 * record that does not fit is reported (RowEncodeFailed) and left out while the others are kept.
 */
export class RowBinaryEncoder {
  private readonly writers: Array<(sink: ByteSink, record: Record<string, unknown>, kafka: KafkaCoordinates) => void>;
  private sink = new ByteSink();
  private count = 0;

  constructor(readonly columns: readonly WarehouseColumn[]) {
    this.writers = columns.map((column) => {
      const fail = (value: unknown): never => {
        throw new RowEncodeFailed(column.name, column.type, value);
      };
      const write = writerFor(column.encoding, fail);
      const extract = extractorFor(column);
      return (sink, record, kafka) => write(sink, extract(record, kafka));
    });
  }

  /** Appends one row; on RowEncodeFailed nothing of the row is kept. */
  append(record: Record<string, unknown>, kafka: KafkaCoordinates): void {
    const start = this.sink.position;
    try {
      for (const write of this.writers) write(this.sink, record, kafka);
    } catch (error) {
      this.sink.position = start;
      throw error;
    }
    this.count += 1;
  }

  get rows(): number {
    return this.count;
  }

  /** The encoded rows so far; the encoder starts empty again. */
  take(): Buffer {
    const bytes = this.sink.buffer.subarray(0, this.sink.position);
    this.sink = new ByteSink();
    this.count = 0;
    return bytes;
  }
}

/** The `file()`/`input()` structure argument: `name Type, …` in column order. */
export function structureOf(columns: readonly WarehouseColumn[]): string {
  return columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
}
