import { describe, expect, it } from 'vitest';
import { ContentUndecodable, decodeContent, formatOfHeader } from './content.decoder';

const now = Date.UTC(2026, 11, 7, 12, 0, 0);

/** One OMA-TLV resource with value: 8-bit id, length in the header when below 8 bytes, else an 8-bit length field. */
function tlvResource(id: number, value: Buffer): Buffer {
  if (value.length < 8) return Buffer.concat([Buffer.from([0xc0 | value.length, id]), value]);
  return Buffer.concat([Buffer.from([0xc8, id, value.length]), value]);
}

describe('decodeContent', () => {
  it('reads SenML JSON with base name and base time resolution, absolute and relative times', () => {
    const pack = [
      { bn: '/3303/0/', bt: 1_796_644_800, n: '5700', v: 21.5 },
      { n: '5701', vs: 'Cel', t: 2 },
      { bn: '/3342/0/', n: '5500', vb: true },
      { bn: '', n: '/3303/1/5700', v: 19, bt: -5 },
    ];
    expect(decodeContent('senml+json', Buffer.from(JSON.stringify(pack)), '/3303/0/5700', 'float', now)).toEqual([
      { path: '/3303/0/5700', value: 21.5, time: 1_796_644_800_000 },
      { path: '/3303/0/5701', value: 'Cel', time: 1_796_644_802_000 },
      { path: '/3342/0/5500', value: true, time: 1_796_644_800_000 },
      { path: '/3303/1/5700', value: 19, time: now - 5000 },
    ]);
  });

  it('leaves the time out when SenML gives none', () => {
    expect(decodeContent('senml+json', Buffer.from('[{"bn":"/3304/0/5700","v":40.25}]'), '/3304/0/5700', 'float', now)).toEqual([{ path: '/3304/0/5700', value: 40.25 }]);
  });

  it.each([
    ['{', 'SenmlNotJson'],
    ['{"bn":"/1/0/1"}', 'SenmlNotArray'],
    ['[1]', 'SenmlRecordInvalid'],
    ['[{"n":"temperature","v":1}]', 'SenmlNameInvalid'],
  ])('refuses the SenML payload %s as %s', (payload, errorClass) => {
    expect(() => decodeContent('senml+json', Buffer.from(payload), '/3303/0/5700', 'float')).toThrow(expect.objectContaining({ errorClass }));
  });

  it('reads TLV floats of 4 and 8 bytes, integers, booleans and strings by the resource type', () => {
    const float32 = Buffer.alloc(4);
    float32.writeFloatBE(40.25);
    const float64 = Buffer.alloc(8);
    float64.writeDoubleBE(229.125);
    expect(decodeContent('tlv', tlvResource(0x44, float32), '/3304/0/68', 'float')).toEqual([{ path: '/3304/0/68', value: 40.25 }]);
    expect(decodeContent('tlv', tlvResource(100, float64), '/3316/0/100', 'float')).toEqual([{ path: '/3316/0/100', value: 229.125 }]);
    expect(decodeContent('tlv', tlvResource(1, Buffer.from([0xff, 0x38])), '/3/0/1', 'integer')).toEqual([{ path: '/3/0/1', value: -200 }]);
    expect(decodeContent('tlv', tlvResource(1, Buffer.from([1])), '/3/0/1', 'boolean')).toEqual([{ path: '/3/0/1', value: true }]);
    expect(decodeContent('tlv', tlvResource(1, Buffer.from('Cel')), '/3/0/1', 'string')).toEqual([{ path: '/3/0/1', value: 'Cel' }]);
  });

  it('reads a 16-bit resource id and the resources inside an object instance TLV', () => {
    const float32 = Buffer.alloc(4);
    float32.writeFloatBE(21.5);
    const resource = Buffer.concat([Buffer.from([0xe4, 0x16, 0x44]), float32]); // id 5700 on 16 bits
    const instance = Buffer.concat([Buffer.from([0x08, 0x02, resource.length]), resource]); // object instance 2
    expect(decodeContent('tlv', instance, '/3303/2/5700', 'float')).toEqual([{ path: '/3303/2/5700', value: 21.5 }]);
  });

  it('refuses a truncated TLV and a float of the wrong size', () => {
    expect(() => decodeContent('tlv', Buffer.from([0xc4, 0x01, 0x00]), '/3303/0/1', 'float')).toThrow(expect.objectContaining({ errorClass: 'TlvTruncated' }));
    expect(() => decodeContent('tlv', tlvResource(1, Buffer.from([0, 0])), '/3303/0/1', 'float')).toThrow(expect.objectContaining({ errorClass: 'TlvValueInvalid' }));
  });

  it('reads plain text by the resource type and refuses what is not of it', () => {
    expect(decodeContent('text', Buffer.from('229.5'), '/3316/0/5700', 'float')).toEqual([{ path: '/3316/0/5700', value: 229.5 }]);
    expect(decodeContent('text', Buffer.from('-12'), '/3/0/9', 'integer')).toEqual([{ path: '/3/0/9', value: -12 }]);
    expect(decodeContent('text', Buffer.from('0'), '/3342/0/5500', 'boolean')).toEqual([{ path: '/3342/0/5500', value: false }]);
    for (const [text, type] of [
      ['', 'float'],
      ['abc', 'float'],
      ['1.5', 'integer'],
      ['true', 'boolean'],
    ] as const) {
      expect(() => decodeContent('text', Buffer.from(text), '/3316/0/5700', type)).toThrow(ContentUndecodable);
    }
  });
});

describe('formatOfHeader', () => {
  it('names the formats read, plain text without a Content-Format, and nothing for others', () => {
    expect(formatOfHeader('application/senml+json')).toBe('senml+json');
    expect(formatOfHeader('application/vnd.oma.lwm2m+tlv')).toBe('tlv');
    expect(formatOfHeader(undefined)).toBe('text');
    expect(formatOfHeader('application/senml+cbor')).toBeUndefined();
  });
});
