import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openChdbClient } from '../src/index';

describe('chDB for tests', () => {
  it('opens chDB through the official client: create a table, insert, select', async () => {
    const chdb = await openChdbClient();
    try {
      expect(chdb.version).toMatch(/^\d+\.\d+/);
      await chdb.client.command({ query: 'CREATE TABLE readings (asset String, value Float64) ENGINE = MergeTree ORDER BY asset' });
      await chdb.client.insert({
        table: 'readings',
        values: [
          { asset: 'pump-1', value: 21.5 },
          { asset: 'pump-2', value: 3 },
        ],
        format: 'JSONEachRow',
      });
      const result = await chdb.client.query({ query: 'SELECT asset, value FROM readings ORDER BY asset', format: 'JSONEachRow' });
      expect(await result.json()).toEqual([
        { asset: 'pump-1', value: 21.5 },
        { asset: 'pump-2', value: 3 },
      ]);
    } finally {
      await chdb.close();
    }
    expect(existsSync(chdb.path)).toBe(false);
  });
});
