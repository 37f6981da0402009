import { get } from 'sparkplug-payload';
import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { describe, expect, it } from 'vitest';
import { sparkplugFormatSchema } from './config';
import type { InboundMessage } from './decoded-message';
import { BirthRegistry } from './sparkplug.births';
import { SparkplugDecoder } from './sparkplug.decoder';

const sparkplug = get('spBv1.0')!;
const Payload = proto.org.eclipse.tahu.protobuf.Payload;

function setup(rebirthIntervalMs = 10_000, maxPayloadBytes = 4_096) {
  let now = 1_000_000;
  const decoder = new SparkplugDecoder(
    sparkplugFormatSchema.parse({ assetPath: 'acme/{group}/{nodePath}/{device}', rebirthIntervalMs }),
    maxPayloadBytes,
    new BirthRegistry(),
    () => now,
  );
  let seq = 0;
  const message = (type: string, payload: Uint8Array, options: { device?: string; dup?: boolean } = {}): InboundMessage => ({
    topic: ['spBv1.0/berlin', type, 'press-shop.line-1', options.device].filter(Boolean).join('/'),
    payload: Buffer.from(payload),
    qos: 0,
    retain: false,
    dup: options.dup ?? false,
    receivedTime: now,
  });
  const send = (type: string, metrics: UMetric[], options: { device?: string; seq?: number; dup?: boolean } = {}) => {
    const thisSeq = type === 'NBIRTH' ? (seq = 0) : type === 'NDEATH' ? undefined : (options.seq ?? seq);
    if (thisSeq !== undefined) seq = (thisSeq + 1) % 256;
    return decoder.decode(message(type, sparkplug.encodePayload({ timestamp: 5, ...(thisSeq !== undefined ? { seq: thisSeq } : {}), metrics }), options));
  };
  const born = (bdSeq = 0) => {
    send('NBIRTH', [
      { name: 'bdSeq', type: 'UInt64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    ]);
    return send(
      'DBIRTH',
      [
        { name: 'bearing_temperature', alias: 1, type: 'Double', value: 60, properties: { engUnit: { type: 'String', value: 'Cel' } } },
        { name: 'state', alias: 2, type: 'String', value: 'RUNNING' },
        { name: 'count', alias: 3, type: 'Int64', value: 0 },
      ],
      { device: 'pump-1' },
    );
  };
  return { decoder, send, born, message, advance: (ms: number) => (now += ms), nextSeq: () => seq };
}

describe('Sparkplug B decoding', () => {
  it('does not deliver again the values a rebirth restates, but delivers newer ones', () => {
    const { born, send } = setup();
    expect(born().readings).toHaveLength(3);
    send('DDATA', [{ alias: 1, type: 'Double', value: 61.5, timestamp: 9 }], { device: 'pump-1' });
    // Rebirth: bearing_temperature restates t=9, state and count restate the birth's t=5; nothing is new.
    send('NBIRTH', [{ name: 'bdSeq', type: 'UInt64', value: 1 }]);
    const restated = send(
      'DBIRTH',
      [
        { name: 'bearing_temperature', alias: 1, type: 'Double', value: 61.5, timestamp: 9 },
        { name: 'state', alias: 2, type: 'String', value: 'RUNNING' },
        { name: 'count', alias: 3, type: 'Int64', value: 7, timestamp: 12 },
      ],
      { device: 'pump-1' },
    );
    expect(restated.readings.map((r) => [r.signal, r.value])).toEqual([['count', 7]]);
  });

  it('keeps birth certificates: DDATA aliases become the birth metric name, datatype and engUnit', () => {
    const { born, send } = setup();
    const birth = born();
    expect(birth.readings.map((r) => [r.signal, r.value, r.unit])).toEqual([
      ['bearing_temperature', 60, 'Cel'],
      ['state', 'RUNNING', undefined],
      ['count', 0, undefined],
    ]);
    const data = send('DDATA', [{ alias: 1, type: 'Double', value: 61.5 }], { device: 'pump-1' });
    expect(data.readings).toEqual([
      expect.objectContaining({
        signal: 'bearing_temperature',
        unit: 'Cel',
        value: 61.5,
        assetPath: 'acme/berlin/press-shop/line-1/pump-1',
        deviceId: 'berlin/press-shop.line-1/pump-1',
        sourceProtocol: 'SPARKPLUG_B',
        attributes: expect.objectContaining({ 'sparkplug.alias': '1', 'sparkplug.datatype': 'Double', 'sparkplug.device': 'pump-1' }),
      }),
    ]);
  });

  it('reads DDATA metrics that omit the datatype (as Sparkplug edge nodes do) with the datatype from the birth', () => {
    const { born, message, nextSeq, decoder } = setup();
    born();
    const bytes = Payload.encode(
      Payload.create({
        seq: nextSeq(),
        metrics: [
          { alias: 1, doubleValue: 70.25 },
          { alias: 3, longValue: -5 },
        ],
      }),
    ).finish();
    const { readings, rejects } = decoder.decode(message('DDATA', bytes, { device: 'pump-1' }));
    expect(rejects).toEqual([]);
    expect(readings.map((r) => [r.signal, r.value])).toEqual([
      ['bearing_temperature', 70.25],
      ['count', -5],
    ]);
  });

  it('keeps is_historical readings historical with their own timestamp', () => {
    const { born, send } = setup();
    born();
    const [reading] = send('DDATA', [{ alias: 1, type: 'Double', value: 50, isHistorical: true, timestamp: 42 }], { device: 'pump-1' }).readings;
    expect(reading).toMatchObject({ isHistorical: true, readingTime: 42 });
  });

  it('rejects an unknown alias as UnknownSparkplugAlias and requests a rebirth at most once per interval per node', () => {
    const { born, send, advance } = setup(10_000);
    born();
    const first = send(
      'DDATA',
      [
        { alias: 9, type: 'Double', value: 1 },
        { alias: 1, type: 'Double', value: 2 },
      ],
      { device: 'pump-1' },
    );
    expect(first.rejects).toEqual([expect.objectContaining({ errorClass: 'UnknownSparkplugAlias', reason: expect.stringContaining('alias 9') })]);
    expect(first.readings.map((r) => r.value)).toEqual([2]);
    expect(first.rebirths).toEqual([{ group: 'berlin', node: 'press-shop.line-1', reason: 'UnknownSparkplugAlias' }]);
    advance(5_000);
    expect(send('DDATA', [{ alias: 9, type: 'Double', value: 1 }], { device: 'pump-1' }).rebirths).toEqual([]);
    advance(5_000);
    expect(send('DDATA', [{ alias: 9, type: 'Double', value: 1 }], { device: 'pump-1' }).rebirths).toHaveLength(1);
  });

  it('treats every alias as unknown without a birth (e.g. the gateway started after the node)', () => {
    const { send } = setup();
    const result = send('DDATA', [{ alias: 1, type: 'Double', value: 1 }], { device: 'pump-1', seq: 17 });
    expect(result.rejects.map((r) => r.errorClass)).toEqual(['UnknownSparkplugAlias']);
    expect(result.rebirths).toHaveLength(1);
  });

  it('forgets device births when the node is born again', () => {
    const { born, send } = setup();
    born();
    send('NBIRTH', [{ name: 'bdSeq', type: 'UInt64', value: 1 }]);
    expect(send('DDATA', [{ alias: 1, type: 'Double', value: 1 }], { device: 'pump-1' }).rejects[0]?.errorClass).toBe('UnknownSparkplugAlias');
  });

  it('accepts seq wrapping from 255 to 0 and counts a gap, marking the readings and requesting a rebirth', () => {
    const { born, send } = setup();
    born();
    const data = (seq: number, dup = false) => send('DDATA', [{ alias: 1, type: 'Double', value: seq }], { device: 'pump-1', seq, dup });
    for (let seq = 2; seq <= 255; seq++) expect(data(seq).seqGaps).toBe(0);
    expect(data(0).seqGaps).toBe(0);
    const gap = data(2);
    expect(gap.seqGaps).toBe(1);
    expect(gap.rebirths).toEqual([{ group: 'berlin', node: 'press-shop.line-1', reason: 'SparkplugSeqGap' }]);
    expect(gap.readings[0]!.attributes['sparkplug.seqGap']).toBe('true');
    expect(data(3).seqGaps).toBe(0);
    // A broker redelivery after a reconnect repeats old seqs: not a loss.
    expect(data(1, true).seqGaps).toBe(0);
  });

  it('on NDEATH emits a BAD reading without value per signal and marks later data stale until the next birth', () => {
    const { born, send } = setup();
    born();
    const death = send('NDEATH', [{ name: 'bdSeq', type: 'UInt64', value: 0 }]);
    expect(death.deaths).toBe(1);
    expect(death.readings.map((r) => [r.signal, r.value, r.quality, r.attributes['sparkplug.event']])).toEqual([
      ['bearing_temperature', null, 'BAD', 'NDEATH'],
      ['state', null, 'BAD', 'NDEATH'],
      ['count', null, 'BAD', 'NDEATH'],
    ]);
    expect(send('DDATA', [{ alias: 1, type: 'Double', value: 1 }], { device: 'pump-1', seq: 9 }).readings[0]).toMatchObject({
      quality: 'BAD',
      attributes: expect.objectContaining({ 'sparkplug.stale': 'true' }),
    });
    born();
    expect(send('DDATA', [{ alias: 1, type: 'Double', value: 1 }], { device: 'pump-1' }).readings[0]!.quality).toBe('GOOD');
  });

  it('ignores an NDEATH whose bdSeq belongs to an earlier session (a late will)', () => {
    const { born, send } = setup();
    born(4);
    const late = send('NDEATH', [{ name: 'bdSeq', type: 'UInt64', value: 3 }]);
    expect(late).toMatchObject({ deaths: 0, readings: [] });
    expect(send('DDATA', [{ alias: 1, type: 'Double', value: 1 }], { device: 'pump-1' }).readings[0]!.quality).toBe('GOOD');
  });

  it('on DDEATH marks only that device', () => {
    const { born, send } = setup();
    born();
    const death = send('DDEATH', [], { device: 'pump-1' });
    expect(death.readings).toHaveLength(3);
    expect(death.readings.every((r) => r.quality === 'BAD' && r.attributes['sparkplug.event'] === 'DDEATH')).toBe(true);
  });

  it('turns a DDATA of thousands of unreadable metrics into one dead letter with a bounded summary, and goes on', () => {
    const { born, message, nextSeq, decoder } = setup(10_000, 65_536);
    born();
    // About 64 KiB in the encoding edge nodes use: one good metric, then thousands named with a datatype we cannot read.
    const unreadable = Array.from({ length: 5_900 }, (_, n) => ({ name: `m${n}`, datatype: 16 }));
    const bytes = Payload.encode(Payload.create({ seq: nextSeq(), metrics: [{ alias: 1, doubleValue: 61 }, ...unreadable] })).finish();
    expect(bytes.length).toBeGreaterThan(60_000);
    const hostile = decoder.decode(message('DDATA', bytes, { device: 'pump-1' }));
    expect(hostile.readings.map((r) => r.value)).toEqual([61]);
    expect(hostile.rejects).toHaveLength(1);
    expect(hostile.rejects[0]).toMatchObject({ errorClass: 'SparkplugMetricUnreadable' });
    expect(hostile.rejects[0]!.reason).toMatch(/^5900 of 5901 metrics not read: metric "m0": datatype DataSet is not supported.*; … and 5895 more$/);
    expect(hostile.rejects[0]!.reason.length).toBeLessThan(1_024);
    const next = Payload.encode(Payload.create({ seq: nextSeq(), metrics: [{ alias: 1, doubleValue: 62 }] })).finish();
    expect(decoder.decode(message('DDATA', next, { device: 'pump-1' })).readings.map((r) => r.value)).toEqual([62]);
  });

  it('summarises unknown aliases and unreadable metrics of one message in one dead letter, cutting long names', () => {
    const { born, message, nextSeq, decoder } = setup();
    born();
    const longName = 'x'.repeat(1_000);
    const bytes = Payload.encode(
      Payload.create({
        seq: nextSeq(),
        metrics: [
          { alias: 9, doubleValue: 1 },
          { name: longName, datatype: 19 },
        ],
      }),
    ).finish();
    const { rejects, rebirths } = decoder.decode(message('DDATA', bytes, { device: 'pump-1' }));
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.errorClass).toBe('SparkplugMetricsRejected');
    expect(rejects[0]!.reason).toContain(`alias 9 has no birth certificate; metric "${'x'.repeat(64)}…": datatype Template`);
    expect(rejects[0]!.reason).toContain('a rebirth was requested');
    expect(rebirths).toHaveLength(1);
  });

  it('rejects a message of more metrics than maxMetricsPerMessage whole, reading none of them', () => {
    const { born, message, nextSeq, decoder } = setup(10_000, 1 << 20);
    born();
    const metrics = Array.from({ length: 10_001 }, () => ({ alias: 1, doubleValue: 1 }));
    const result = decoder.decode(message('DDATA', Payload.encode(Payload.create({ seq: nextSeq(), metrics })).finish(), { device: 'pump-1' }));
    expect(result.readings).toEqual([]);
    expect(result.rejects).toEqual([
      expect.objectContaining({ errorClass: 'SparkplugTooManyMetrics', reason: expect.stringContaining('10001 metrics, more than sparkplug.maxMetricsPerMessage 10000') }),
    ]);
  });

  it('rejects garbage bytes and topics outside the Sparkplug namespace', () => {
    const { decoder, message } = setup();
    expect(decoder.decode(message('DDATA', Buffer.from([0xff, 0xff, 0xff]), { device: 'pump-1' })).rejects[0]?.errorClass).toBe('SparkplugDecodeFailed');
    expect(decoder.decode({ ...message('DDATA', new Uint8Array(), { device: 'x' }), topic: 'spBv1.0/berlin/DDATA/node-without-device' }).rejects[0]?.errorClass).toBe(
      'SparkplugTopicInvalid',
    );
  });
});
