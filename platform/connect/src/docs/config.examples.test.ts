import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configExamples } from './config.examples';
import { fixtureSourceConfig } from './docs.fixture';

describe('configExamples', () => {
  it('gives one example per variant of a union, each with every field at its example value', () => {
    const examples = configExamples(fixtureSourceConfig);
    expect(examples.map((example) => example.variant)).toEqual(['format: json', 'format: binary']);
    expect(examples[0]!.config).toEqual({
      format: 'json',
      url: 'tcp://127.0.0.1:1',
      retries: 5,
      tls: { caFile: '/ca.pem' },
      topics: [{ name: 'a/b' }],
      labels: { line: '1' },
      valueField: 'v',
    });
    expect(examples[1]!.config).toMatchObject({ format: 'binary', auth: { type: 'token', token: 's3cret' } });
  });

  it('gives configs the schema accepts', () => {
    for (const { config } of configExamples(fixtureSourceConfig)) expect(fixtureSourceConfig.safeParse(config).success).toBe(true);
  });

  it('builds an object without an example of its own from its fields, and leaves out what has none', () => {
    const schema = z.object({ kafka: z.object({ brokers: z.array(z.string()).meta({ examples: [['k:9092']] }), clientId: z.string().default('x') }) });
    expect(configExamples(schema)).toEqual([{ config: { kafka: { brokers: ['k:9092'] } } }]);
  });
});
