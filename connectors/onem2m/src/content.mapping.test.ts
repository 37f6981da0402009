import { describe, expect, it } from 'vitest';
import type { ContainerMapping } from './config';
import { mapContentInstance, onem2mTimeBefore, parseOnem2mTime, resolvePointer } from './content.mapping';

const mapping: ContainerMapping = {
  container: 'press-7/temperature',
  assetPath: 'acme/berlin/press-shop/line-1/press-7',
  signal: 'oil_temperature',
  unit: 'Cel',
  valuePointer: '/value',
};
const context = { cseBaseName: 'cse-in', receivedTime: 1_000, historical: false };

describe('contentInstance mapping', () => {
  it('reads the value through the pointer and the time from ct when no timestamp pointer is set', () => {
    const mapped = mapContentInstance({ ri: 'cin1', ct: '20261207T142545,420216', cnf: 'application/json:0', con: '{"value": 21.5}' }, mapping, context);
    expect(mapped).toEqual({
      reading: expect.objectContaining({
        value: 21.5,
        unit: 'Cel',
        readingTime: Date.UTC(2026, 11, 7, 14, 25, 45, 420),
        sourceProtocol: 'ONEM2M',
        sourceAddress: 'cse-in/press-7/temperature',
        attributes: { 'onem2m.ri': 'cin1', 'onem2m.cnf': 'application/json:0' },
      }),
    });
  });

  it('takes the whole content with an empty pointer, plain or base64 (cnf encoding 1)', () => {
    const whole = { ...mapping, valuePointer: '' };
    expect(mapContentInstance({ con: '7' }, whole, context)).toMatchObject({ reading: { value: 7, readingTime: 1_000 } });
    expect(mapContentInstance({ con: 'RUNNING' }, whole, context)).toMatchObject({ reading: { value: 'RUNNING' } });
    expect(mapContentInstance({ cnf: 'text/plain:1', con: Buffer.from('12.5').toString('base64') }, whole, context)).toMatchObject({ reading: { value: 12.5 } });
  });

  it('reads epoch ms or ISO 8601 through the timestamp pointer', () => {
    const timed = { ...mapping, timestampPointer: '/ts' };
    expect(mapContentInstance({ con: '{"value":1,"ts":1796000000000}' }, timed, context)).toMatchObject({ reading: { readingTime: 1_796_000_000_000 } });
    expect(mapContentInstance({ con: '{"value":1,"ts":"2026-12-07T10:00:00Z"}' }, timed, context)).toMatchObject({ reading: { readingTime: Date.parse('2026-12-07T10:00:00Z') } });
  });

  it.each([
    ['a missing pointer', { con: '{"temp":1}' }, mapping, 'ContentPointerMissing'],
    ['an object value', { con: '{"value":{"a":1}}' }, mapping, 'ContentValueNotScalar'],
    ['a bad timestamp', { con: '{"value":1,"ts":"yesterday"}' }, { ...mapping, timestampPointer: '/ts' }, 'ContentTimestampInvalid'],
    ['an unknown encoding', { cnf: 'application/json:9', con: '{}' }, mapping, 'ContentEncodingUnsupported'],
    ['base64 announced on a non-string', { cnf: 'application/json:1', con: 5 }, mapping, 'ContentNotBase64'],
  ])('rejects %s with a named reason and the resource as evidence', (_case, cin, rule, errorClass) => {
    const mapped = mapContentInstance(cin, rule, context);
    expect(mapped).toMatchObject({ reject: { errorClass, sourceAddress: 'cse-in/press-7/temperature', receivedTime: 1_000 } });
    if ('reject' in mapped) expect(JSON.parse(mapped.reject.payload.toString())).toEqual({ 'm2m:cin': cin });
  });
});

describe('oneM2M time and JSON pointers', () => {
  it('parses the basic time format in UTC and refuses others', () => {
    expect(parseOnem2mTime('20261207T142545')).toBe(Date.UTC(2026, 11, 7, 14, 25, 45));
    expect(parseOnem2mTime('20261207T142545,5')).toBe(Date.UTC(2026, 11, 7, 14, 25, 45, 500));
    expect(parseOnem2mTime('2026-12-07T14:25:45')).toBeUndefined();
  });

  it('resolves RFC 6901 pointers with escapes and array indexes', () => {
    const document = { 'a/b': { '~c': [10, 20] } };
    expect(resolvePointer(document, '/a~1b/~0c/1')).toBe(20);
    expect(resolvePointer(document, '/missing')).toBeUndefined();
    expect(resolvePointer(document, '')).toBe(document);
  });
});

describe('the oneM2M time before another', () => {
  it('is one microsecond earlier, across second and day boundaries', () => {
    expect(onem2mTimeBefore('20261207T142545,420216')).toBe('20261207T142545,420215');
    expect(onem2mTimeBefore('20261207T142545,000000')).toBe('20261207T142544,999999');
    expect(onem2mTimeBefore('20270101T000000')).toBe('20261231T235959,999999');
    expect(onem2mTimeBefore('yesterday')).toBeUndefined();
  });
});
