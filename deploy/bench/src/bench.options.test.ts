import { ConfigInvalid } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench.options';

describe('bench options', () => {
  it('defaults keep the whole bench to a few minutes', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ saturationSeconds: 20, bridgeSeconds: 15, latencyRate: 2000, latencySeconds: 30, profile: false });
  });

  it('flags override the defaults', () => {
    expect(parseBenchArgs(['--latency-rate', '5000', '--profile'])).toMatchObject({ latencyRate: 5000, profile: true, publish: false });
    expect(parseBenchArgs(['--publish'])).toMatchObject({ publish: true });
  });

  it('a value that is not a number is reported with its field', () => {
    expect(() => parseBenchArgs(['--latency-seconds', 'ten'])).toThrow(ConfigInvalid);
    expect(() => parseBenchArgs(['--latency-seconds', 'ten'])).toThrow(/latencySeconds/);
  });

  it('runs both sides of the cost of security by default, or one when asked', () => {
    expect(parseBenchArgs([])).toMatchObject({ security: 'both' });
    expect(parseBenchArgs(['--security', 'plain'])).toMatchObject({ security: 'plain' });
    expect(() => parseBenchArgs(['--security', 'off'])).toThrow(/security/);
  });

  it('asks for help with -h', () => {
    expect(parseBenchArgs(['-h'])).toBe('help');
  });
});
