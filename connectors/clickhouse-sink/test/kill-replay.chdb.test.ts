import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChdbClient } from '@fieldmesh/testing';
import { afterAll, describe } from 'vitest';
import { killReplayScenario } from './shared/kill-replay.scenario';

describe('exactly once across crashes (chDB)', () => {
  // The sink processes own this path in turn; this test process opens it only after the last one exits.
  const chdbPath = mkdtempSync(join(tmpdir(), 'fieldmesh-sink-kill-'));
  afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));
  killReplayScenario(
    'chDB',
    (database) => ({ chdbPath, database }),
    async (table) => {
      const chdb = await openChdbClient({ path: chdbPath });
      try {
        const result = await chdb.client.query({
          query: `SELECT toString(count()) AS rows, toString(uniqExact(_partition, _offset)) AS unique FROM ${table}`,
          format: 'JSONEachRow',
        });
        const [row] = await result.json<{ rows: string; unique: string }>();
        return { rows: Number(row!.rows), unique: Number(row!.unique) };
      } finally {
        await chdb.close();
      }
    },
  );
});
