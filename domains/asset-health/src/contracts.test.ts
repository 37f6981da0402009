import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContract, validateRecord } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { CONTRACTS, REPO_ROOT } from './paths';

const products = { features: CONTRACTS.features, 'anomaly-scores': CONTRACTS.anomalyScores, alerts: CONTRACTS.alerts };

describe.each(Object.entries(products))('contract asset-health.%s', (product, file) => {
  const contract = loadContract(file, REPO_ROOT);
  const dir = join(REPO_ROOT, 'contracts', 'asset-health', 'examples', product);
  const read = (kind: string, name: string) => JSON.parse(readFileSync(join(dir, kind, name), 'utf8')) as Record<string, unknown>;

  it('loads, with its Avro schema, key and upstream product', () => {
    expect(contract.contract.kafka.topic).toBe(`asset-health.${product}.v1`);
    expect(contract.contract.kafka.key).toBe('assetPath');
    expect(contract.contract.upstream).toHaveLength(1);
  });

  it.each(readdirSync(join(dir, 'valid')))('valid/%s passes schema and quality rules', (name) => {
    expect(validateRecord(contract, read('valid', name))).toEqual([]);
  });

  // Invalid examples are named <field>--<reason>.json: the problem must name that field.
  it.each(readdirSync(join(dir, 'invalid')))('invalid/%s is rejected naming its field', (name) => {
    expect(validateRecord(contract, read('invalid', name)).map((p) => p.path)).toContain(name.split('--')[0]);
  });
});
