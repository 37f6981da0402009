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

  it('loadConfig throws one error listing all problems', () => {
    expect(() => loadConfig(schema, {}, 'gateway.yaml')).toThrow(ConfigInvalid);
    expect(() => loadConfig(schema, { port: 'x' }, 'gateway.yaml')).toThrow(/gateway.yaml is invalid:[\s\S]*brokers[\s\S]*port/);
  });
});
