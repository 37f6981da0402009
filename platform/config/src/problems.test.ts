import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigInvalid, loadConfig, parseWith } from './index';

const schema = z.object({
  brokers: z.array(z.string().min(1)).min(1),
  port: z.number().int().positive(),
  nested: z.object({ mode: z.enum(['a', 'b']) }),
});

describe('parseWith', () => {
  it('returns the typed value for valid input', () => {
    const result = parseWith(schema, { brokers: ['b:9092'], port: 1, nested: { mode: 'a' } });
    expect(result).toEqual({ ok: true, value: { brokers: ['b:9092'], port: 1, nested: { mode: 'a' } } });
  });

  it('names every bad field by its dotted path', () => {
    const result = parseWith(schema, { brokers: [''], port: -1, nested: { mode: 'c' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).sort()).toEqual(['brokers.0', 'nested.mode', 'port']);
  });

  it('names each unknown key by its own path, so a setting at the wrong level is an error and not a default', () => {
    const strict = z.strictObject({
      endpointUrl: z.string(),
      subscription: z.strictObject({ samplingInterval: z.number().default(500) }).prefault({}),
    });
    const result = parseWith(z.strictObject({ connectors: z.array(strict) }), {
      connectors: [{ endpointUrl: 'opc.tcp://plc:4840', samplingInterval: 250, publishingInterval: 250, subscription: { samplingIntervall: 250 } }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).sort()).toEqual(['connectors.0.publishingInterval', 'connectors.0.samplingInterval', 'connectors.0.subscription.samplingIntervall']);
    expect(result.problems[0]?.message).toMatch(/^unknown key: check its spelling and its level/);
    expect(() => loadConfig(strict, { endpointUrl: 'x', publishingInterval: 250 }, 'gateway.yaml')).toThrow(/gateway.yaml is invalid:\n {2}- publishingInterval: unknown key/);
  });

  it('loadConfig throws one error listing all problems', () => {
    expect(() => loadConfig(schema, {}, 'gateway.yaml')).toThrow(ConfigInvalid);
    expect(() => loadConfig(schema, { port: 'x' }, 'gateway.yaml')).toThrow(/gateway.yaml is invalid:[\s\S]*brokers[\s\S]*port/);
  });
});
