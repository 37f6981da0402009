import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dataContractSchema } from './contract.schema';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const raw = parse(readFileSync(join(root, 'contracts/plant-telemetry/raw.yaml'), 'utf8')) as Record<string, unknown>;
const withWarehouse = (warehouse: unknown) => dataContractSchema.safeParse({ ...raw, warehouse });

describe('warehouse row policies in a contract', () => {
  it('are optional, and take a domain and a filter each', () => {
    expect(dataContractSchema.parse(raw).warehouse).toBeUndefined();
    expect(withWarehouse({ rowPolicies: [{ domain: 'energy', filter: "signal IN ('power', 'load')" }] }).data?.warehouse?.rowPolicies).toEqual([
      { domain: 'energy', filter: "signal IN ('power', 'load')" },
    ]);
  });

  it('refuse a second policy for a domain, a filter with ;, and a domain that is not kebab-case, naming the field', () => {
    const twice = withWarehouse({
      rowPolicies: [
        { domain: 'energy', filter: '1' },
        { domain: 'energy', filter: '0' },
      ],
    });
    expect(twice.error?.issues).toEqual([expect.objectContaining({ path: ['warehouse', 'rowPolicies'], message: 'one row policy per domain: combine the filters with OR' })]);
    expect(withWarehouse({ rowPolicies: [{ domain: 'energy', filter: '1; DROP TABLE x' }] }).error?.issues[0]?.path).toEqual(['warehouse', 'rowPolicies', 0, 'filter']);
    expect(withWarehouse({ rowPolicies: [{ domain: 'Energy', filter: '1' }] }).error?.issues[0]?.path).toEqual(['warehouse', 'rowPolicies', 0, 'domain']);
  });
});
