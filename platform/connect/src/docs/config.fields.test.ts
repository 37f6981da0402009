import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configFields } from './config.fields';
import { fixtureSourceConfig } from './docs.fixture';

describe('configFields', () => {
  const fields = configFields(fixtureSourceConfig);
  const byPath = (path: string) => fields.find((field) => field.path === path);

  it('lists every field a user can write, parents before children, list elements as []', () => {
    expect(fields.map((field) => field.path)).toEqual([
      'format',
      'url',
      'retries',
      'tls',
      'tls.caFile',
      'topics',
      'topics[].name',
      'topics[].qos',
      'labels',
      'valueField',
      'auth',
      'auth.type',
      'auth.token',
    ]);
  });

  it('gives each its type, whether it must be written, its default, description and example', () => {
    expect(byPath('url')).toEqual({ path: 'url', type: 'string', required: true, description: 'Where | to connect.', example: 'tcp://127.0.0.1:1' });
    expect(byPath('retries')).toEqual({ path: 'retries', type: 'integer', required: false, default: 3, description: 'How often to retry.', example: 5 });
    expect(byPath('tls')).toMatchObject({ type: 'object', required: false });
    expect(byPath('topics')).toMatchObject({ type: 'array of object', required: true });
    expect(byPath('topics[].qos')).toMatchObject({ type: '1', required: false, default: 1 });
    expect(byPath('labels')).toMatchObject({ type: 'map of string', default: {} });
  });

  it('names the union variants in the discriminator and marks the fields only one variant has', () => {
    expect(byPath('format')).toMatchObject({ type: '"json" | "binary"', required: true });
    expect(byPath('url')?.when).toBeUndefined();
    expect(byPath('valueField')?.when).toBe('format: json');
    expect(byPath('auth')?.when).toBe('format: binary');
    expect(byPath('auth.type')).toMatchObject({ type: '"none" | "token"', when: 'format: binary' });
    expect(byPath('auth.token')?.when).toBe('format: binary, auth.type: token');
  });

  it('shows enums and unions of plain types as the values or types a user may write', () => {
    const schema = z.object({ mode: z.enum(['a', 'b']), size: z.union([z.number().int(), z.string()]) });
    expect(configFields(schema).map((field) => field.type)).toEqual(['"a" | "b"', 'integer | string']);
  });
});
