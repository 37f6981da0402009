import { isUtf8 } from 'node:buffer';
import avro, { type Type, type types } from 'avsc';
import { DecodeLimitExceeded, MalformedAvroBody, type SerdeErrorContext } from './errors';
import type { DecodeLimits } from './serde.config';

/**
 * A pass over an Avro body that checks it against the writer schema without building any value, so that
 * avsc only ever decodes bytes known to be well-formed and bounded.
 *
 * Why: avsc's reader trusts the bytes. An array block count is a varint read straight into a loop
 * (`while (n--) val.push(items._read(tap))`) and the buffer end is only checked once the whole value is
 * read, so a 12-byte record declaring 2^50 nulls hangs and exhausts memory; a negative string length
 * moves the cursor backwards; an out-of-range enum index decodes to `undefined`. Here every length is
 * checked against the bytes that remain before anything is read, every collection count against those
 * bytes (each item of a non-empty type takes at least one byte) and against a per-record item budget
 * (items of zero-size types, such as null, take none), and nesting against a depth limit.
 */
export type BodyValidator = (body: Buffer, context: SerdeErrorContext) => void;

interface Cursor {
  readonly buf: Buffer;
  pos: number;
  itemsLeft: number;
  depth: number;
  readonly limits: DecodeLimits;
  readonly context: SerdeErrorContext;
}

type Step = (cursor: Cursor) => void;

const noop: Step = () => {};

const checkString: Step = (cursor) => {
  const start = cursor.pos;
  const length = readLength(cursor, 'string');
  if (!isUtf8(cursor.buf.subarray(cursor.pos, cursor.pos + length))) throw malformed(cursor, 'string is not valid UTF-8', start);
  cursor.pos += length;
};

function malformed(cursor: Cursor, reason: string, at = cursor.pos): MalformedAvroBody {
  return new MalformedAvroBody(reason, at, cursor.context);
}

function need(cursor: Cursor, bytes: number, what: string): void {
  if (bytes > cursor.buf.length - cursor.pos) {
    throw malformed(cursor, `truncated: ${what} needs ${bytes} bytes, ${cursor.buf.length - cursor.pos} remain`);
  }
}

/**
 * Reads a zigzag varint of at most `maxBytes` bytes. The value is exact up to 2^53; beyond that it is
 * approximate, which is harmless because callers only compare it with buffer sizes and small bounds.
 */
function readVarint(cursor: Cursor, maxBytes: number): number {
  const start = cursor.pos;
  let unsigned = 0;
  let factor = 1;
  for (let i = 0; ; i++) {
    if (cursor.pos >= cursor.buf.length) throw malformed(cursor, 'truncated: varint runs past the end', start);
    if (i === maxBytes) throw malformed(cursor, `varint longer than ${maxBytes} bytes`, start);
    const byte = cursor.buf[cursor.pos++]!;
    unsigned += (byte & 0x7f) * factor;
    factor *= 128;
    if ((byte & 0x80) === 0) break;
  }
  return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
}

const readInt = (cursor: Cursor): number => readVarint(cursor, 5);
const readLong = (cursor: Cursor): number => readVarint(cursor, 10);

function readLength(cursor: Cursor, what: string): number {
  const start = cursor.pos;
  const length = readLong(cursor);
  if (length < 0) throw malformed(cursor, `negative ${what} length ${length}`, start);
  need(cursor, length, what);
  return length;
}

function readIndex(cursor: Cursor, count: number, what: string): number {
  const start = cursor.pos;
  const index = readLong(cursor);
  if (!(index >= 0 && index < count)) throw malformed(cursor, `${what} index ${index} out of range 0..${count - 1}`, start);
  return index;
}

function enter(cursor: Cursor): void {
  if (++cursor.depth > cursor.limits.maxDepth) {
    throw new DecodeLimitExceeded('maxDepth', cursor.limits.maxDepth, cursor.context);
  }
}

/**
 * Walks the blocks of an array or map: `count` items then a zero count; a negative count is followed
 * by the block's byte size.
 */
function blocks(item: Step, itemIsEmpty: boolean, what: string): Step {
  return (cursor) => {
    enter(cursor);
    for (;;) {
      const start = cursor.pos;
      let count = readLong(cursor);
      if (count === 0) break;
      if (count < 0) {
        count = -count;
        const size = readLong(cursor);
        if (size < 0 || size > cursor.buf.length - cursor.pos) throw malformed(cursor, `${what} block size ${size} out of bounds`, start);
      }
      if (!itemIsEmpty && count > cursor.buf.length - cursor.pos) {
        throw malformed(cursor, `truncated: ${what} block declares ${count} items, ${cursor.buf.length - cursor.pos} bytes remain`, start);
      }
      cursor.itemsLeft -= count;
      if (cursor.itemsLeft < 0) throw new DecodeLimitExceeded('maxCollectionItems', cursor.limits.maxCollectionItems, cursor.context);
      if (!itemIsEmpty) for (let i = 0; i < count; i++) item(cursor);
    }
    cursor.depth--;
  };
}

/** True when every value of the type encodes to zero bytes (null, fixed of size 0, records of those). */
function isEmpty(type: Type, visiting = new Set<Type>()): boolean {
  if (visiting.has(type)) return false;
  visiting.add(type);
  try {
    switch (true) {
      case avro.Type.isType(type, 'null'):
        return true;
      case avro.Type.isType(type, 'fixed'):
        return (type as types.FixedType).size === 0;
      case avro.Type.isType(type, 'record', 'error'):
        return (type as types.RecordType).fields.every((field) => isEmpty(field.type, visiting));
      case avro.Type.isType(type, 'logical'):
        return isEmpty((type as types.LogicalType).underlyingType, visiting);
      default:
        return false;
    }
  } finally {
    visiting.delete(type);
  }
}

function compile(type: Type, compiled: Map<Type, Step>): Step {
  const known = compiled.get(type);
  if (known) return known;
  // Recursive schemas refer back to a type still being compiled: go through an indirection.
  compiled.set(type, (cursor) => resolved(cursor));
  const resolved = build(type, compiled);
  compiled.set(type, resolved);
  return resolved;
}

function build(type: Type, compiled: Map<Type, Step>): Step {
  const name = type.typeName;
  switch (name) {
    case 'null':
      return noop;
    case 'boolean':
      return (cursor) => {
        need(cursor, 1, 'boolean');
        const byte = cursor.buf[cursor.pos]!;
        if (byte > 1) throw malformed(cursor, `boolean byte ${byte} is neither 0 nor 1`);
        cursor.pos++;
      };
    case 'int':
      return (cursor) => void readInt(cursor);
    case 'long':
    case 'abstract:long':
      return (cursor) => void readLong(cursor);
    case 'float':
      return (cursor) => {
        need(cursor, 4, 'float');
        cursor.pos += 4;
      };
    case 'double':
      return (cursor) => {
        need(cursor, 8, 'double');
        cursor.pos += 8;
      };
    case 'bytes':
      return (cursor) => {
        // Two statements: `cursor.pos += readLength(…)` would add to the position from before the length prefix.
        const length = readLength(cursor, 'bytes');
        cursor.pos += length;
      };
    case 'string':
      return checkString;
    case 'fixed': {
      const size = (type as types.FixedType).size;
      return (cursor) => {
        need(cursor, size, 'fixed');
        cursor.pos += size;
      };
    }
    case 'enum': {
      const count = (type as types.EnumType).symbols.length;
      return (cursor) => void readIndex(cursor, count, 'enum');
    }
    case 'array': {
      const items = (type as types.ArrayType).itemsType;
      return blocks(compile(items, compiled), isEmpty(items), 'array');
    }
    case 'map': {
      const values = compile((type as types.MapType).valuesType as Type, compiled);
      return blocks(
        (cursor) => {
          checkString(cursor);
          values(cursor);
        },
        false,
        'map',
      );
    }
    case 'record':
    case 'error': {
      const fields = (type as types.RecordType).fields.map((field) => compile(field.type, compiled));
      return (cursor) => {
        enter(cursor);
        for (const field of fields) field(cursor);
        cursor.depth--;
      };
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (type as types.UnwrappedUnionType).types.map((branch) => compile(branch, compiled));
      return (cursor) => branches[readIndex(cursor, branches.length, 'union')]!(cursor);
    }
    default:
      if (avro.Type.isType(type, 'logical')) return compile((type as types.LogicalType).underlyingType, compiled);
      throw new Error(`no body validation for Avro type ${name}`);
  }
}

/** Compiles the checks for one writer schema once; the result is cached beside the schema. */
export function createBodyValidator(writerType: Type, limits: DecodeLimits): BodyValidator {
  const check = compile(writerType, new Map());
  return (body, context) => {
    const cursor: Cursor = { buf: body, pos: 0, itemsLeft: limits.maxCollectionItems, depth: 0, limits, context };
    check(cursor);
    if (cursor.pos !== body.length) {
      throw malformed(cursor, `${body.length - cursor.pos} trailing bytes after the record`);
    }
  };
}
