import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileContractRules, loadContract, RecordBreaksContract, validateRecord } from './index';

const root = join(import.meta.dirname, '..', '..', '..');
const energy = loadContract(join(root, 'contracts', 'energy', 'consumption-15m.yaml'), root);
const clean = loadContract(join(root, 'contracts', 'plant-telemetry', 'clean.yaml'), root);
const example = (file: string) => JSON.parse(readFileSync(join(root, 'contracts', 'energy', 'examples', 'consumption-15m', file), 'utf8')) as Record<string, unknown>;
const row = example('valid/asset-peak.json');

describe('compiled contract rules', () => {
  it('are compiled once per loaded contract', () => {
    expect(compileContractRules(energy)).toBe(compileContractRules(energy));
    expect(compileContractRules(energy).rules).toEqual(['energy-non-negative', 'energy-is-finite', 'coverage-is-a-ratio', 'cost-non-negative']);
  });

  it('pass a valid record with the same empty list, allocating nothing', () => {
    const rules = compileContractRules(energy);
    expect(rules.check(row)).toHaveLength(0);
    expect(rules.check(row)).toBe(rules.check(example('valid/site-without-tariff.json')));
  });

  it('name each rule a record breaks, with its field and why', () => {
    const rules = compileContractRules(energy);
    expect(rules.check({ ...row, energyKwh: -2, coverageRatio: 1.5 })).toEqual([
      { rule: 'energy-non-negative', field: 'energyKwh', message: 'must be >= 0, got -2' },
      { rule: 'coverage-is-a-ratio', field: 'coverageRatio', message: 'must be <= 1, got 1.5' },
    ]);
    expect(rules.check({ ...row, energyKwh: Number.POSITIVE_INFINITY })).toEqual([
      { rule: 'energy-is-finite', field: 'energyKwh', message: 'must be a finite number, got Infinity' },
    ]);
  });

  it('apply a rule limited by `where` only to the records it names', () => {
    const rules = compileContractRules(clean);
    const reading = { signal: 'power', unit: 'kW', value: 12, sequenceNumber: 1, assetPath: 'acme/berlin/hall/line-1/pump-1' };
    expect(rules.check(reading)).toHaveLength(0);
    expect(rules.check({ ...reading, unit: 'W' }).map((v) => v.rule)).toEqual(['power-in-kilowatt']);
    expect(rules.check({ ...reading, signal: 'load', unit: '%', value: 1_200 }).map((v) => v.rule)).toEqual(['load-plausible']);
    expect(rules.check({ ...reading, assetPath: 'flat', sequenceNumber: -1n }).map((v) => [v.rule, v.field])).toEqual([
      ['sequence-non-negative', 'sequenceNumber'],
      ['asset-path-is-isa95', 'assetPath'],
    ]);
  });

  it('agree with validateRecord, which adds the Avro schema check', () => {
    expect(validateRecord(energy, { ...row, energyKwh: -2 })).toEqual([{ path: 'energyKwh', message: 'energy-non-negative: must be >= 0, got -2' }]);
    expect(validateRecord(energy, { ...row, energyKwh: 'lots' }).map((p) => p.path)).toEqual(['energyKwh']);
  });
});

describe('RecordBreaksContract', () => {
  it('names the contract, topic, every rule and field, and what to do', () => {
    const error = new RecordBreaksContract(
      'energy.consumption-15m',
      'energy.consumption-15m.v1',
      'output',
      compileContractRules(energy).check({ ...row, energyKwh: -2 }),
      'energy-consumption-15m',
    );
    expect(error.message).toContain('energy-consumption-15m produced a record of energy.consumption-15m.v1 that breaks contract energy.consumption-15m');
    expect(error.message).toContain('rule energy-non-negative on field energyKwh: must be >= 0, got -2');
    expect(error.message).toContain('energy.consumption-15m.v1.dlq');
  });
});
