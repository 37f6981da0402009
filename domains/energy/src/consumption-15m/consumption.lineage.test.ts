import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { consumptionColumnLineage } from './consumption.lineage';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const consumption = loadContract(join(root, 'contracts', 'energy', 'consumption-15m.yaml'), root);
const clean = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);

describe('consumption column lineage', () => {
  const facet = consumptionColumnLineage({ namespace: 'kafka://127.0.0.1:9092', name: 'plant.telemetry.clean.v1' });

  it('derives every field of the consumption schema', () => {
    expect(Object.keys(facet.fields).sort()).toEqual(consumption.avroType.fields.map((f) => f.name).sort());
  });

  it('names only fields the clean schema has', () => {
    const cleanFields = new Set(clean.avroType.fields.map((f) => f.name));
    const named = Object.values(facet.fields).flatMap((f) => f.inputFields.map((i) => i.field));
    expect(named.filter((field) => !cleanFields.has(field))).toEqual([]);
  });
});
