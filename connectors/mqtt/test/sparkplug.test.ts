import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import type { SourceReject } from '@fieldmesh/connect';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSource } from '../src/source';
import { closeOpened, collect, context, sourceConfig, startPublisher, track, uniqueId } from './broker';

const sparkplug = get('spBv1.0')!;
const Payload = proto.org.eclipse.tahu.protobuf.Payload;
const NODE = 'press-shop.line-1';
const DEVICE = 'compressor-1';
const T0 = 1_795_000_000_000;

afterEach(closeOpened);

function sparkplugSource(group: string, clientId = uniqueId('gw'), stateDir?: string, overrides: Record<string, unknown> = {}): MqttSource {
  const source = new MqttSource(
    sourceConfig({ clientId, format: 'sparkplugb', sparkplug: { groupIds: [group], assetPath: 'acme/{group}/{nodePath}/{device}', rebirthIntervalMs: 60_000 }, ...overrides }),
    context(clientId, stateDir),
  );
  track(source);
  return source;
}

/** An edge node as the plant's conventions describe it: NBIRTH, one DBIRTH, then DDATA by alias. */
function edgeNode(client: MqttClient, group: string) {
  let seq = 0;
  const publish = (type: string, metrics: UMetric[], device?: string, payload: Partial<UPayload> = {}) =>
    client.publishAsync(
      [`spBv1.0/${group}/${type}/${NODE}`, device].filter(Boolean).join('/'),
      Buffer.from(sparkplug.encodePayload({ timestamp: T0, seq: type === 'NDEATH' ? undefined : seq++ % 256, metrics, ...payload } as UPayload)),
      { qos: 1 },
    );
  const engUnit = (unit: string) => ({ engUnit: { type: 'String' as const, value: unit } });
  return {
    nbirth: () =>
      publish('NBIRTH', [
        { name: 'bdSeq', type: 'UInt64', value: 0 },
        { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      ]),
    dbirth: () =>
      publish(
        'DBIRTH',
        [
          { name: 'bearing_temperature', alias: 1, type: 'Double', value: 60, properties: engUnit('Cel') },
          { name: 'vibration_rms', alias: 2, type: 'Double', value: 2.1, properties: engUnit('mm/s') },
          { name: 'state', alias: 3, type: 'String', value: 'RUNNING' },
        ],
        DEVICE,
      ),
    ddata: (metrics: UMetric[]) => publish('DDATA', metrics, DEVICE),
    /** DDATA encoded with the protobuf schema itself, for metrics the Tahu encoder would refuse to write. */
    ddataRaw: (metrics: proto.org.eclipse.tahu.protobuf.Payload.IMetric[]) =>
      client.publishAsync(`spBv1.0/${group}/DDATA/${NODE}/${DEVICE}`, Buffer.from(Payload.encode(Payload.create({ timestamp: T0, seq: seq++ % 256, metrics })).finish()), {
        qos: 1,
      }),
    ndeath: () => publish('NDEATH', [{ name: 'bdSeq', type: 'UInt64', value: 0 }]),
    skipSeq: () => void seq++,
  };
}

describe('Sparkplug B source against Mosquitto', () => {
  it('resolves DDATA aliases through the birth certificate to named, unit-carrying readings on the ISA-95 asset path', async () => {
    const group = uniqueId('berlin');
    const source = sparkplugSource(group);
    await source.connect();
    const node = edgeNode(await startPublisher(), group);
    await node.nbirth();
    await node.dbirth();
    await node.ddata([
      { alias: 1, type: 'Double', value: 61.5, timestamp: T0 + 1_000 },
      { alias: 2, type: 'Double', value: 2.4, timestamp: T0 - 60_000, isHistorical: true },
    ]);

    const { readings, rejects } = await collect(source, (c) => c.readings.length >= 5);
    expect(rejects).toEqual([]);
    const assetPath = `acme/${group}/press-shop/line-1/compressor-1`;
    expect(readings.map((r) => [r.signal, r.value, r.unit, r.isHistorical, r.attributes['sparkplug.messageType']])).toEqual([
      ['bearing_temperature', 60, 'Cel', false, 'DBIRTH'],
      ['vibration_rms', 2.1, 'mm/s', false, 'DBIRTH'],
      ['state', 'RUNNING', undefined, false, 'DBIRTH'],
      ['bearing_temperature', 61.5, 'Cel', false, 'DDATA'],
      ['vibration_rms', 2.4, 'mm/s', true, 'DDATA'],
    ]);
    expect(readings[3]).toMatchObject({
      assetPath,
      deviceId: `${group}/${NODE}/${DEVICE}`,
      readingTime: T0 + 1_000,
      quality: 'GOOD',
      sourceProtocol: 'SPARKPLUG_B',
      sourceAddress: `spBv1.0/${group}/DDATA/${NODE}/${DEVICE}`,
      attributes: { 'sparkplug.group': group, 'sparkplug.node': NODE, 'sparkplug.device': DEVICE, 'sparkplug.alias': '1', 'sparkplug.datatype': 'Double', 'sparkplug.seq': '2' },
    });
    expect(readings[4]!.readingTime).toBe(T0 - 60_000);
  });

  it('rejects a metric with an unknown alias and asks the edge node for a rebirth with NCMD Node Control/Rebirth', async () => {
    const group = uniqueId('berlin');
    const source = sparkplugSource(group);
    await source.connect();
    const edge = await startPublisher();
    const commands: UPayload[] = [];
    edge.on('message', (_topic, payload) => commands.push(sparkplug.decodePayload(payload)));
    await edge.subscribeAsync(`spBv1.0/${group}/NCMD/${NODE}`, { qos: 1 });
    const node = edgeNode(edge, group);
    await node.nbirth();
    await node.dbirth();
    await node.ddata([{ alias: 99, type: 'Double', value: 1 }]);
    await node.ddata([{ alias: 98, type: 'Double', value: 2 }]); // within the rate limit: no second request
    await node.ddata([{ alias: 1, type: 'Double', value: 62 }]);

    const { rejects, readings } = await collect(source, (c) => c.rejects.length >= 2 && c.readings.length >= 4);
    expect(rejects.map((r) => r.errorClass)).toEqual(['UnknownSparkplugAlias', 'UnknownSparkplugAlias']);
    expect(rejects[0]!.reason).toContain('alias 99');
    expect(rejects[0]!.sourceAddress).toBe(`spBv1.0/${group}/DDATA/${NODE}/${DEVICE}`);
    expect(readings.at(-1)).toMatchObject({ signal: 'bearing_temperature', value: 62 });

    await expect.poll(() => commands.length).toBe(1);
    expect(commands[0]!.metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })]);
    expect(source.metrics()).toMatchObject({ sparkplugRebirthsRequested: 1, rejectsByErrorClass: { UnknownSparkplugAlias: 2 } });
  });

  it('turns a 64 KiB DDATA of thousands of unreadable metrics into one bounded dead letter; later messages flow in batches of bounded size', async () => {
    const group = uniqueId('berlin');
    const source = sparkplugSource(group, uniqueId('gw'), undefined, { maxEvidenceBytes: 4_096, batchMaxRecords: 1 });
    await source.connect();
    const node = edgeNode(await startPublisher(), group);
    await node.nbirth();
    await node.dbirth();
    await node.ddataRaw(Array.from({ length: 5_900 }, (_, n) => ({ name: `m${n}`, datatype: 16 })));
    await node.ddata([
      { alias: 1, type: 'Double', value: 62 },
      { alias: 2, type: 'Double', value: 2.2 },
    ]);
    await node.ddata([{ alias: 1, type: 'Double', value: 63 }]);

    const batches: { seqs: Set<string | undefined>; rejects: SourceReject[] }[] = [];
    await collect(source, (c) => c.readings.length >= 6 && c.rejects.length >= 1, {
      onBatch: (batch) => batches.push({ seqs: new Set(batch.readings.map((r) => r.attributes['sparkplug.seq'])), rejects: batch.rejects }),
    });
    const rejects = batches.flatMap((batch) => batch.rejects);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ errorClass: 'SparkplugMetricUnreadable', reason: expect.stringContaining('5900 of 5900 metrics not read') });
    expect(rejects[0]!.payload.length).toBeLessThanOrEqual(4_096);
    expect(rejects[0]!.reason).toMatch(/the dead letter holds the first \d+ of its 6\d{4} bytes/);
    // batchMaxRecords 1: each batch carries what one message yielded.
    expect(batches.every((batch) => batch.seqs.size + (batch.rejects.length > 0 ? 1 : 0) === 1)).toBe(true);
    expect(source.metrics()).toMatchObject({ messagesIn: 5, readingsOut: 6, rejectsByErrorClass: { SparkplugMetricUnreadable: 1 } });
  });

  it('counts a seq gap and marks what follows; after NDEATH every signal goes BAD until the node is born again', async () => {
    const group = uniqueId('berlin');
    const source = sparkplugSource(group);
    await source.connect();
    const node = edgeNode(await startPublisher(), group);
    await node.nbirth();
    await node.dbirth();
    node.skipSeq(); // a DDATA lost on the way
    await node.ddata([{ alias: 1, type: 'Double', value: 63 }]);
    await node.ndeath();
    await node.ddata([{ alias: 1, type: 'Double', value: 64 }]);

    const { readings } = await collect(source, (c) => c.readings.length >= 3 + 1 + 3 + 1);
    const afterGap = readings[3]!;
    expect(afterGap).toMatchObject({ value: 63, attributes: expect.objectContaining({ 'sparkplug.seqGap': 'true' }) });
    expect(readings.slice(4, 7).map((r) => [r.signal, r.value, r.quality, r.attributes['sparkplug.event']])).toEqual([
      ['bearing_temperature', null, 'BAD', 'NDEATH'],
      ['vibration_rms', null, 'BAD', 'NDEATH'],
      ['state', null, 'BAD', 'NDEATH'],
    ]);
    expect(readings[7]).toMatchObject({ value: 64, quality: 'BAD', attributes: expect.objectContaining({ 'sparkplug.stale': 'true' }) });
    expect(source.metrics()).toMatchObject({ sparkplugSeqGaps: 1, sparkplugDeaths: 1, sparkplugRebirthsRequested: 1 });
  });

  it('resolves aliases of DDATA published while the gateway was down, from the birth certificates it kept in its state folder', async () => {
    const group = uniqueId('berlin');
    const clientId = uniqueId('gw');
    const stateDir = mkdtempSync(join(tmpdir(), 'fieldmesh-mqtt-'));
    const first = sparkplugSource(group, clientId, stateDir);
    await first.connect();
    const node = edgeNode(await startPublisher(), group);
    await node.nbirth();
    await node.dbirth();
    await collect(first, (c) => c.readings.length >= 3);
    await first.close();

    await node.ddata([{ alias: 1, type: 'Double', value: 65 }]);
    const restarted = sparkplugSource(group, clientId, stateDir);
    await restarted.connect();
    const { readings, rejects } = await collect(restarted, (c) => c.readings.length >= 1);
    expect(rejects).toEqual([]);
    expect(readings[0]).toMatchObject({ signal: 'bearing_temperature', unit: 'Cel', value: 65, quality: 'GOOD' });
    expect(restarted.metrics().sparkplugRebirthsRequested).toBe(0);
  });
});
