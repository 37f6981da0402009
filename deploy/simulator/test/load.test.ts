import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli';
import { brokerUrl, subscriber } from './mqtt-broker';

describe('load mode', () => {
  it('with --wall-clock stamps every reading with the time it was sent', async () => {
    const url = brokerUrl();
    const sub = await subscriber(url, ['acme/#']);
    const arrivals: Array<{ stamp: number; arrived: number }> = [];
    sub.client.on('message', (_topic, payload) => arrivals.push({ stamp: (JSON.parse(payload.toString()) as { timestamp_ms: number }).timestamp_ms, arrived: Date.now() }));
    const lines: string[] = [];
    try {
      const started = Date.now();
      const code = await runCli(['load', '--mqtt-url', url, '--json', '--rate', '400', '--duration', '2', '--wall-clock'], (line) => lines.push(line));
      const ended = Date.now();
      expect(code, lines.join('\n')).toBe(0);
      await expect.poll(() => arrivals.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(600);
      const stamps = arrivals.map((a) => a.stamp);
      expect(Math.min(...stamps)).toBeGreaterThanOrEqual(started);
      expect(Math.max(...stamps)).toBeLessThanOrEqual(ended);
      // Plant time runs ahead of the wall clock by up to a tick; the send time never does.
      expect(arrivals.filter((a) => a.stamp > a.arrived)).toEqual([]);
      // Sent at the target rate, so the stamps spread over the run instead of sharing a few plant ticks.
      expect(Math.max(...stamps) - Math.min(...stamps)).toBeGreaterThan(1500);
    } finally {
      await sub.client.endAsync();
    }
  });
});
