import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { cleanColumnLineage } from './clean.lineage';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const clean = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const raw = loadContract(join(root, 'contracts', 'plant-telemetry', 'raw.yaml'), root);

describe('clean column lineage', () => {
  const facet = cleanColumnLineage({ namespace: 'kafka://127.0.0.1:9092', name: 'plant.telemetry.raw.v1' });

  it('derives every field of the clean schema', () => {
    expect(Object.keys(facet.fields).sort()).toEqual(clean.avroType.fields.map((f) => f.name).sort());
  });

  it('names only fields the raw schema has', () => {
    const rawFields = new Set(raw.avroType.fields.map((f) => f.name));
    const named = Object.values(facet.fields).flatMap((f) => f.inputFields.map((i) => i.field));
    expect(named.filter((field) => !rawFields.has(field))).toEqual([]);
  });

  it('says the value is transformed from value and unit', () => {
    expect(facet.fields.value?.inputFields.map((i) => i.field)).toEqual(['value', 'unit']);
  });
});
