import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSparkplugPayload, encodeSparkplugPayload, REBIRTH_METRIC, startSimulator, type SimulatorHandle } from '../src/index';
import { brokerUrl, subscriber, type Received } from './mqtt-broker';

const NODE = 'spBv1.0/berlin/{type}/press-shop.line-1';
const topic = (type: string, device?: string) => NODE.replace('{type}', type) + (device ? `/${device}` : '');
const decode = (message: Received) => decodeSparkplugPayload(message.payload);
const num = (value: unknown) => Number(typeof value === 'object' && value !== null ? String(value) : value);

describe('Sparkplug B output against Mosquitto', () => {
  let simulator: SimulatorHandle;
  let sub: Awaited<ReturnType<typeof subscriber>>;
  let url: string;

  beforeAll(async () => {
    url = brokerUrl();
    sub = await subscriber(url, ['spBv1.0/berlin/#']);
    simulator = await startSimulator({
      seed: 5,
      rate: 2,
      sparkplug: true,
      mqtt: { url, clientIdPrefix: `sim-spb-${process.pid}` },
      stateDir: mkdtempSync(join(tmpdir(), 'sim-spb-')),
    });
  });

  afterAll(async () => {
    await simulator?.stop();
    await sub?.client.endAsync();
  });

  it('announces the edge node with NBIRTH: seq 0, bdSeq and the rebirth control', async () => {
    const birth = decode(await sub.waitFor((m) => m.topic === topic('NBIRTH')));
    expect(num(birth.seq)).toBe(0);
    const names = (birth.metrics ?? []).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['bdSeq', REBIRTH_METRIC]));
  });

  it('DBIRTH lists every metric with name, unique alias, datatype and engUnit', async () => {
    const births = await Promise.all(['compressor-1', 'pump-1', 'motor-1', 'conveyor-1'].map((device) => sub.waitFor((m) => m.topic === topic('DBIRTH', device))));
    const aliases = births.flatMap((message) => (decode(message).metrics ?? []).map((metric) => num(metric.alias)));
    expect(new Set(aliases).size).toBe(aliases.length);
    const compressor = decode(births[0] as Received).metrics ?? [];
    const temperature = compressor.find((metric) => metric.name === 'bearing_temperature');
    expect(temperature).toEqual(expect.objectContaining({ type: 'Double', properties: { engUnit: { type: 'String', value: 'Cel' } } }));
    expect(compressor.find((metric) => metric.name === 'state')?.type).toBe('String');
  });

  it('DDATA carries metrics by alias only, each alias known from DBIRTH, with seq counting on per node', async () => {
    const data = await sub.waitFor((m) => m.topic === topic('DDATA', 'pump-1'));
    const birth = decode(sub.messages.find((m) => m.topic === topic('DBIRTH', 'pump-1')) as Received);
    const known = new Map((birth.metrics ?? []).map((metric) => [num(metric.alias), metric.name]));
    const metrics = decode(data).metrics ?? [];
    expect(metrics.length).toBe(8);
    for (const metric of metrics) {
      expect(metric.name).toBeUndefined();
      expect(known.has(num(metric.alias))).toBe(true);
    }
    const nodeMessages = sub.messages.filter((m) => m.topic.includes('press-shop.line-1') && !m.topic.includes('/NDEATH/'));
    const seqs = nodeMessages.map((m) => num(decode(m).seq));
    expect(seqs.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('answers a rebirth NCMD with NBIRTH and every DBIRTH', async () => {
    const before = sub.messages.length;
    const command = await import('mqtt').then((mqtt) => mqtt.default.connectAsync(url, { clientId: `sim-host-${process.pid}` }));
    await command.publishAsync(topic('NCMD'), Buffer.from(encodeSparkplugPayload({ timestamp: Date.now(), metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] })), {
      qos: 1,
    });
    await command.endAsync();
    const after = () => sub.messages.slice(before);
    await expect.poll(() => after().filter((m) => m.topic.startsWith(topic('DBIRTH'))).length, { timeout: 10_000 }).toBe(4);
    const rebirth = after().find((m) => m.topic === topic('NBIRTH'));
    expect(rebirth && num(decode(rebirth).seq)).toBe(0);
    expect(simulator.stats().rebirths).toBe(1);
  });

  it('sends a DDATA with an alias no DBIRTH declared, on demand', async () => {
    await simulator.injectBadInput({ kind: 'unknown-alias', asset: 'line-1/compressor-1' });
    const births = sub.messages.filter((m) => m.topic.startsWith(topic('DBIRTH')));
    const known = new Set(births.flatMap((m) => (decode(m).metrics ?? []).map((metric) => num(metric.alias))));
    const bad = await sub.waitFor((m) => m.topic === topic('DDATA', 'compressor-1') && (decode(m).metrics ?? []).some((metric) => !known.has(num(metric.alias))));
    expect(decode(bad).metrics).toHaveLength(1);
  });

  it('publishes NDEATH with the bdSeq of its NBIRTH when it stops', async () => {
    const birth = decode(sub.messages.find((m) => m.topic === topic('NBIRTH')) as Received);
    const bdSeq = num(birth.metrics?.find((metric) => metric.name === 'bdSeq')?.value);
    await simulator.stop();
    const death = decode(await sub.waitFor((m) => m.topic === topic('NDEATH')));
    expect(num(death.metrics?.find((metric) => metric.name === 'bdSeq')?.value)).toBe(bdSeq);
  });
});
