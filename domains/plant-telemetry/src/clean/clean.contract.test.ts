import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContract, validateRecord } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const contract = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const dir = join(root, 'contracts', 'plant-telemetry', 'examples', 'clean');
const read = (kind: string, name: string) => JSON.parse(readFileSync(join(dir, kind, name), 'utf8')) as Record<string, unknown>;

describe('clean contract examples', () => {
  it.each(readdirSync(join(dir, 'valid')))('valid/%s passes schema and quality rules', (name) => {
    expect(validateRecord(contract, read('valid', name))).toEqual([]);
  });

  // Invalid examples are named <field>--<reason>.json: the problem must name that field.
  it.each(readdirSync(join(dir, 'invalid')))('invalid/%s is rejected naming its field', (name) => {
    expect(validateRecord(contract, read('invalid', name)).map((p) => p.path)).toContain(name.split('--')[0]);
  });
});
