import { createClient } from '@clickhouse/client';
import { describe, inject } from 'vitest';
import { killReplayScenario } from './shared/kill-replay.scenario';

describe('exactly once across crashes (server)', () => {
  const server = { url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') };
  killReplayScenario(
    'the server',
    (database) => ({ ...server, database }),
    async (table) => {
      const client = createClient(server);
      try {
        const result = await client.query({ query: `SELECT toString(count()) AS rows, toString(uniqExact(_partition, _offset)) AS unique FROM ${table}`, format: 'JSONEachRow' });
        const [row] = await result.json<{ rows: string; unique: string }>();
        return { rows: Number(row!.rows), unique: Number(row!.unique) };
      } finally {
        await client.close();
      }
    },
  );
});
