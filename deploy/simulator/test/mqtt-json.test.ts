import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/index';
import { brokerUrl, subscriber } from './mqtt-broker';

const COMPRESSOR = 'acme/berlin/press-shop/line-1/compressor-1';

describe('MQTT JSON output against Mosquitto', () => {
  let simulator: SimulatorHandle;
  let sub: Awaited<ReturnType<typeof subscriber>>;

  beforeAll(async () => {
    const url = brokerUrl();
    sub = await subscriber(url, ['acme/#']);
    simulator = await startSimulator({
      seed: 3,
      rate: 2,
      json: true,
      mqtt: { url, clientIdPrefix: `sim-json-${process.pid}` },
      stateDir: mkdtempSync(join(tmpdir(), 'sim-json-')),
    });
  });

  afterAll(async () => {
    await simulator?.stop();
    await sub?.client.endAsync();
  });

  it('publishes each reading on the ISA-95 topic with timestamp, value, unit and quality', async () => {
    const message = await sub.waitFor((m) => m.topic === `${COMPRESSOR}/bearing_temperature`);
    const payload = JSON.parse(message.payload.toString());
    expect(payload).toEqual({ timestamp_ms: expect.any(Number), value: expect.any(Number), unit: 'Cel', quality: 'GOOD' });
    expect(payload.value).toBeGreaterThan(15);
    expect(payload.value).toBeLessThan(90);
    expect(Math.abs(payload.timestamp_ms - Date.now())).toBeLessThan(10_000);
  });

  it('covers every asset of both lines, and a conveyor has no discharge pressure', async () => {
    await sub.waitFor((m) => m.topic === 'acme/berlin/press-shop/line-2/conveyor-1/power');
    const topics = new Set(sub.messages.map((m) => m.topic));
    expect(topics).toContain('acme/berlin/press-shop/line-2/pump-1/flow');
    expect([...topics].some((t) => t.startsWith('acme/berlin/press-shop/line-1/conveyor-1/discharge_pressure'))).toBe(false);
  });

  it('state readings carry the operator badge and a text value', async () => {
    const message = await sub.waitFor((m) => m.topic === `${COMPRESSOR}/state`);
    expect(JSON.parse(message.payload.toString())).toEqual(
      expect.objectContaining({ value: expect.stringMatching(/RUNNING|IDLE|STOPPED/), operator: expect.stringMatching(/^B-\d{4}$/) }),
    );
  });

  it('counts the readings it published, and the broker delivered them all', async () => {
    await expect.poll(() => simulator.stats().published['mqtt-json'], { timeout: 10_000 }).toBeGreaterThanOrEqual(120);
    const published = simulator.stats().published['mqtt-json'];
    await expect.poll(() => sub.messages.filter((m) => m.topic.startsWith('acme/')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(published);
  });

  it('publishes malformed payloads on demand', async () => {
    const topic = `${COMPRESSOR}/bearing_temperature`;
    const raw = (predicate: (text: string) => boolean) => sub.waitFor((m) => m.topic === topic && predicate(m.payload.toString()));
    await simulator.injectBadInput({ kind: 'bad-json', asset: 'line-1/compressor-1' });
    const badJson = await raw((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });
    expect(badJson.payload.toString()).toMatch(/^\{"timestamp_ms"/);
    await simulator.injectBadInput({ kind: 'wrong-type', asset: 'line-1/compressor-1' });
    await raw((text) => text.includes('"yesterday"'));
    await simulator.injectBadInput({ kind: 'out-of-range', asset: 'line-1/compressor-1' });
    const outOfRange = await raw((text) => text.includes('1501'));
    expect(JSON.parse(outOfRange.payload.toString()).value).toBe(1501);
    await simulator.injectBadInput({ kind: 'oversized', asset: 'line-1/compressor-1', oversizedBytes: 1_500_000 });
    const oversized = await raw((text) => text.length > 1_000_000);
    expect(oversized.payload.length).toBe(1_500_000);
    expect(simulator.stats().badInputs).toBe(4);
  });
});
