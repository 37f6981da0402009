import { describe, expect, it } from 'vitest';
import { buildDlqHeaders, DlqHeaders, dlqTopicFor, MAX_STACKTRACE_CHARS, readDlqHeaders } from './dlq.headers';
import type { ConsumedRecord } from './ports';

const record: ConsumedRecord = {
  topic: 'plant.telemetry.raw.v1',
  partition: 3,
  offset: '9007199254740993', // 2^53 + 1: must survive as text
  key: Buffer.from('pump-7'),
  value: Buffer.from([0, 0, 0, 0, 1]),
  headers: {},
  timestamp: 1_700_000_000_000,
};

class SchemaNotFound extends Error {
  override readonly name = 'SchemaNotFound';
}

describe('DLQ headers', () => {
  it('name the source topic, partition, offset, stage and error in Kafka Connect style', () => {
    const headers = buildDlqHeaders(record, { stage: 'deserialize', error: new SchemaNotFound('schema id 42 is unknown') }, 1_700_000_123_456);
    expect(headers).toMatchObject({
      '__fieldmesh.errors.topic': 'plant.telemetry.raw.v1',
      '__fieldmesh.errors.partition': '3',
      '__fieldmesh.errors.offset': '9007199254740993',
      '__fieldmesh.errors.stage': 'deserialize',
      '__fieldmesh.errors.exception.class.name': 'SchemaNotFound',
      '__fieldmesh.errors.exception.message': 'schema id 42 is unknown',
      '__fieldmesh.errors.timestamp': '1700000123456',
    });
    expect(headers[DlqHeaders.exceptionStacktrace]).toContain('schema id 42 is unknown');
  });

  it('read back into the same facts, with the offset exact', () => {
    const headers = buildDlqHeaders(record, { stage: 'validate', error: new TypeError('value is not a number') }, 5);
    const asBytes = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(readDlqHeaders(asBytes)).toEqual({
      topic: record.topic,
      partition: 3,
      offset: '9007199254740993',
      stage: 'validate',
      exceptionClassName: 'TypeError',
      exceptionMessage: 'value is not a number',
      exceptionStacktrace: expect.stringContaining('TypeError: value is not a number'),
      timestamp: 5,
    });
  });

  it('use the class name of an Error subclass that does not set name', () => {
    class BadQuality extends Error {}
    const headers = buildDlqHeaders(record, { stage: 'validate', error: new BadQuality('quality is BAD') }, 0);
    expect(headers[DlqHeaders.exceptionClassName]).toBe('BadQuality');
  });

  it('describe a thrown non-Error without a stack trace', () => {
    const headers = buildDlqHeaders(record, { stage: 'transform', error: 'boom' }, 0);
    expect(headers[DlqHeaders.exceptionClassName]).toBe('string');
    expect(headers[DlqHeaders.exceptionMessage]).toBe('boom');
    expect(headers[DlqHeaders.exceptionStacktrace]).toBeUndefined();
  });

  it('truncate a huge stack trace so the DLQ record stays small', () => {
    const error = new Error('deep');
    error.stack = 'x'.repeat(100_000);
    const stack = buildDlqHeaders(record, { stage: 'sink', error }, 0)[DlqHeaders.exceptionStacktrace]!;
    expect(stack.length).toBeLessThan(MAX_STACKTRACE_CHARS + 100);
    expect(stack).toContain('[truncated 92000 chars]');
  });

  it('are absent from an ordinary record', () => {
    expect(readDlqHeaders({ trace: Buffer.from('abc') })).toBeUndefined();
  });

  it('go with the record to <topic>.dlq', () => {
    expect(dlqTopicFor('plant.telemetry.raw.v1')).toBe('plant.telemetry.raw.v1.dlq');
  });
});
