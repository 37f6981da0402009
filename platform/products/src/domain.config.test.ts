import { parseWith } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { domainConfigSchema } from './domain.config';

const schema = domainConfigSchema({ name: 'energy', settings: z.strictObject({ maxGapMs: z.number().int().positive().default(60_000) }) });

describe("a domain's config", () => {
  it("holds the platform's fields and the domain's settings, with the domain's name as client id", () => {
    const config = schema.parse({ kafka: { brokers: ['127.0.0.1:9092'] }, registryUrl: 'http://127.0.0.1:8081' });
    expect(config).toMatchObject({ kafka: { clientId: 'energy' }, provision: true, maxBatchRecords: 2_000, groups: {}, fromBeginning: true, topics: {}, maxGapMs: 60_000 });
  });

  it('names a key that is neither the platform’s nor the domain’s', () => {
    const result = parseWith(schema, { kafka: { brokers: ['127.0.0.1:9092'] }, registryUrl: 'http://127.0.0.1:8081', maxGap: 5 });
    expect(result.ok ? [] : result.problems.map((p) => [p.path, p.message])).toEqual([['maxGap', expect.stringContaining('unknown key')]]);
  });
});
