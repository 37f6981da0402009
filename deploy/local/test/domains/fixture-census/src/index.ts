import { join } from 'node:path';
import { defineDataProduct, defineDomain } from '@fieldmesh/products';
import type { StreamRecord } from '@fieldmesh/streams';
import { z } from 'zod';

interface CleanReading {
  assetPath: string;
  readingTime: Date;
}

/** Counts each asset's clean readings per batch: the least a product can do, declared as every domain's are. */
export const domain = defineDomain({
  name: 'fixture-census',
  settings: z.strictObject({}),
  contractsRoot: join(import.meta.dirname, '..'),
  products: {
    'reading-counts': defineDataProduct({
      contract: 'fixture-census.reading-counts',
      pipeline: ({ output }) => {
        let batches = 0;
        return {
          handle: async (records: StreamRecord<unknown>[]) => {
            batches += 1;
            const counts = new Map<string, { readings: number; newest: number }>();
            for (const { value } of records as StreamRecord<CleanReading>[]) {
              const count = counts.get(value.assetPath) ?? { readings: 0, newest: 0 };
              counts.set(value.assetPath, { readings: count.readings + 1, newest: Math.max(count.newest, value.readingTime.getTime()) });
            }
            return [...counts].map(([assetPath, count]) => ({
              topic: output.topic,
              key: assetPath,
              value: { assetPath, newestReadingTime: new Date(count.newest), readings: count.readings },
            }));
          },
          stats: () => ({ batches }),
        };
      },
    }),
  },
});
