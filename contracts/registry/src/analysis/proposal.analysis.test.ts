import { dataContractSchema, type DataContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors';
import { analyseProposal, type ContractVersionInput } from './proposal.analysis';

function contract(overrides: Partial<Record<keyof DataContract, unknown>> = {}): DataContract {
  return dataContractSchema.parse({
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'DataContract',
    id: 'plant.readings',
    version: '1.0.0',
    status: 'approved',
    domain: 'plant',
    dataProduct: 'readings',
    description: { purpose: 'Machine readings' },
    owner: { team: 'plant', contact: 'plant@example.com' },
    schema: { type: 'avro', ref: 'schemas/plant/Reading.avsc' },
    kafka: { topic: 'plant.readings.v1', partitions: 3, replicationFactor: 1, key: 'assetId' },
    compatibility: 'BACKWARD',
    retention: { kafka: 'P7D', warehouse: 'P365D' },
    slos: { freshness: { maxAge: 'PT1M' }, completeness: { minRatio: 0.99, window: 'PT15M' } },
    fields: {
      assetId: { description: 'Asset id', classification: 'internal' },
      value: { description: 'Measured value', unit: 'degC', classification: 'public' },
    },
    ...overrides,
  });
}

const reading = (extra: unknown[] = [], value: unknown = 'double') => ({
  type: 'record',
  name: 'Reading',
  namespace: 'fieldmesh.plant',
  fields: [{ name: 'assetId', type: 'string' }, { name: 'value', type: value }, ...extra],
});

const v1: ContractVersionInput = { contract: contract(), schema: reading() };

describe('analyseProposal', () => {
  it('passes a new optional field with a default under every mode', () => {
    const proposed = {
      contract: contract({ version: '1.1.0', fields: { ...v1.contract.fields, quality: { description: 'Quality flag', classification: 'public' } } }),
      schema: reading([{ name: 'quality', type: ['null', 'string'], default: null }]),
    };
    const analysis = analyseProposal([v1], proposed);
    expect(analysis.breaking).toBe(false);
    expect(Object.values(analysis.compatibility).every((verdict) => verdict.compatible)).toBe(true);
    expect(analysis.fieldChanges).toEqual([{ path: 'quality', change: 'added', after: 'null | string = null' }]);
    expect(analysis.changelog).toContain("Compatible under BACKWARD (the contract's compatibility mode)");
    expect(analysis.changelog).toContain('  + field quality: null | string = null');
  });

  it('breaks on a removed required field, naming the field, and gives a verdict for all seven modes', () => {
    const proposed = {
      contract: contract({ version: '1.1.0', compatibility: 'FORWARD', fields: { assetId: v1.contract.fields.assetId } }),
      schema: { ...reading(), fields: [{ name: 'assetId', type: 'string' }] },
    };
    const analysis = analyseProposal([v1], proposed);
    expect(Object.keys(analysis.compatibility).sort()).toEqual(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']);
    expect(analysis.compatibility.BACKWARD.compatible).toBe(true);
    expect(analysis.compatibility.FORWARD.compatible).toBe(false);
    expect(analysis.compatibility.FULL.compatible).toBe(false);
    expect(analysis.compatibility.NONE.compatible).toBe(true);
    expect(analysis.breaking).toBe(true);
    expect(analysis.fieldChanges).toEqual([{ path: 'value', change: 'removed', before: 'double' }]);
    expect(analysis.changelog).toContain("BREAKING under FORWARD (the contract's compatibility mode):");
    expect(analysis.changelog.some((line) => line.includes("'value'") && line.includes('against approved version 1.0.0'))).toBe(true);
    expect(analysis.metadata).toEqual([{ path: 'compatibility', before: 'BACKWARD', after: 'FORWARD' }]);
  });

  it('checks transitive modes against every approved version, the others against the latest only', () => {
    const history = [
      { contract: contract(), schema: reading([{ name: 'note', type: 'string' }]) },
      { contract: contract({ version: '1.1.0' }), schema: reading([{ name: 'note', type: 'string', default: '' }]) },
    ];
    const proposed = { contract: contract({ version: '1.2.0', compatibility: 'FORWARD_TRANSITIVE' }), schema: reading() };
    const analysis = analyseProposal(history, proposed);
    // Dropping `note`: old readers of v2 have a default for it (FORWARD fine), readers of v1 do not.
    expect(analysis.compatibility.FORWARD.compatible).toBe(true);
    expect(analysis.compatibility.FORWARD_TRANSITIVE.compatible).toBe(false);
    expect(analysis.breaking).toBe(true);
    expect(analysis.changelog.some((line) => line.includes("'note'") && line.includes('against approved version 1.0.0'))).toBe(true);
  });

  it('reports a type change as breaking under BACKWARD, naming the field the checker points at', () => {
    const proposed = { contract: contract({ version: '1.1.0' }), schema: reading([], 'string') };
    const analysis = analyseProposal([v1], proposed);
    expect(analysis.breaking).toBe(true);
    expect(analysis.fieldChanges).toEqual([{ path: 'value', change: 'type-changed', before: 'double', after: 'string' }]);
    expect(analysis.changelog).toContain('  ~ field value: type double -> string');
    expect(analysis.changelog.some((line) => line.includes("(path '/fields/1/type')") && line.includes('[field value]'))).toBe(true);
  });

  it('names nested fields in compatibility messages', () => {
    const nested = (shareType: string) =>
      reading([
        {
          name: 'contributors',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Contributor',
              fields: [
                { name: 'feature', type: 'string' },
                { name: 'share', type: shareType },
              ],
            },
          },
        },
      ]);
    const analysis = analyseProposal([{ contract: contract(), schema: nested('double') }], { contract: contract({ version: '1.1.0' }), schema: nested('string') });
    expect(analysis.changelog.some((line) => line.includes('[field contributors[].share]'))).toBe(true);
  });

  it('checks a new major version on a new topic against no version of the old topic, and says consumers must move', () => {
    const proposed = { contract: contract({ version: '2.0.0', kafka: { ...v1.contract.kafka, topic: 'plant.readings.v2' } }), schema: reading([], 'string') };
    const analysis = analyseProposal([v1], proposed);
    expect(analysis.breaking).toBe(false);
    expect(analysis.fieldChanges).toEqual([{ path: 'value', change: 'type-changed', before: 'double', after: 'string' }]);
    expect(analysis.metadata).toEqual([{ path: 'kafka.topic', before: 'plant.readings.v1', after: 'plant.readings.v2' }]);
    expect(analysis.changelog).toContain(
      'New topic plant.readings.v2 (was plant.readings.v1): its subject starts afresh, so compatibility is checked against earlier versions on that topic only; consumers must move to the new topic',
    );
  });

  it('shows newly personal fields, classification, masking and unit changes from the contract', () => {
    const proposed = {
      contract: contract({
        version: '1.1.0',
        fields: {
          assetId: { description: 'Asset id', classification: 'personal', masking: 'pseudonymise' },
          value: { description: 'Measured value', unit: 'K', classification: 'internal' },
          operator: { description: 'Operator badge', classification: 'personal', masking: 'drop' },
        },
      }),
      schema: reading([{ name: 'operator', type: ['null', 'string'], default: null }]),
    };
    const analysis = analyseProposal([v1], proposed);
    expect(analysis.privacy.newlyPersonal).toEqual(['assetId', 'operator']);
    expect(analysis.privacy.classificationChanges).toEqual([
      { field: 'assetId', before: 'internal', after: 'personal' },
      { field: 'value', before: 'public', after: 'internal' },
    ]);
    expect(analysis.privacy.maskingChanges).toEqual([{ field: 'assetId', before: 'none', after: 'pseudonymise' }]);
    expect(analysis.fieldChanges).toContainEqual({ path: 'value', change: 'unit-changed', before: 'degC', after: 'K' });
    expect(analysis.changelog).toContain('  ! operator is newly personal (masking drop)');
    expect(analysis.changelog).toContain('  ! value: classification public -> internal');
    // Field semantics already reported are not repeated as metadata.
    expect(analysis.metadata).toEqual([]);
  });

  it('reports retention, SLO and metadata changes and passes downstream impact through', () => {
    const proposed = {
      contract: contract({
        version: '1.1.0',
        retention: { kafka: 'P14D', warehouse: 'P365D' },
        slos: { freshness: { maxAge: 'PT5M' }, completeness: { minRatio: 0.95, window: 'PT15M' } },
        owner: { team: 'reliability', contact: 'plant@example.com' },
        kafka: { ...v1.contract.kafka, partitions: 6 },
      }),
      schema: reading(),
    };
    const downstream = [{ kind: 'table' as const, name: 'plant_readings', via: 'clickhouse-sink' }];
    const analysis = analyseProposal([v1], proposed, downstream);
    expect(analysis.retention).toEqual({ kafka: { before: 'P7D', after: 'P14D' }, warehouse: { before: 'P365D', after: 'P365D' } });
    expect(analysis.slos).toEqual([
      { path: 'slos.freshness.maxAge', before: 'PT1M', after: 'PT5M' },
      { path: 'slos.completeness.minRatio', before: 0.99, after: 0.95 },
    ]);
    expect(analysis.metadata).toEqual([
      { path: 'owner.team', before: 'plant', after: 'reliability' },
      { path: 'kafka.partitions', before: '3', after: '6' },
    ]);
    expect(analysis.downstream).toEqual(downstream);
    expect(analysis.changelog).toEqual(
      expect.arrayContaining([
        'Retention kafka: P7D -> P14D',
        'SLO slos.freshness.maxAge: PT1M -> PT5M',
        'Metadata owner.team: plant -> reliability',
        '  table plant_readings (via clickhouse-sink)',
      ]),
    );
    expect(analysis.changelog).toContain('Schema fields: unchanged');
  });

  it('reports a change of freshness basis as an SLO change, and a basis newly stated as the default as none', () => {
    const slos = (freshness: Record<string, string>) => ({ freshness, completeness: { minRatio: 0.99, window: 'PT15M' } });
    const eventDriven = { contract: contract({ version: '1.1.0', slos: slos({ maxAge: 'PT1M', basis: 'event-driven' }) }), schema: reading() };
    const analysis = analyseProposal([v1], eventDriven);
    expect(analysis.slos).toEqual([{ path: 'slos.freshness.basis', before: 'continuous', after: 'event-driven' }]);
    expect(analysis.changelog).toContain('SLO slos.freshness.basis: continuous -> event-driven');
    expect(analysis.metadata).toEqual([]);
    expect(analyseProposal([eventDriven], { ...eventDriven, contract: contract({ version: '1.2.0' }) }).slos).toEqual([
      { path: 'slos.freshness.basis', before: 'event-driven', after: 'continuous' },
    ]);

    const statedContinuous = { contract: contract({ version: '1.1.0', slos: slos({ maxAge: 'PT1M', basis: 'continuous' }) }), schema: reading() };
    expect(analyseProposal([v1], statedContinuous).slos).toEqual([]);
    expect(analyseProposal([], v1).slos).toContainEqual({ path: 'slos.freshness.basis', after: 'continuous' });
  });

  it('treats a contract without approved versions as new: every field added, compatible under every mode', () => {
    const analysis = analyseProposal([], v1);
    expect(analysis.breaking).toBe(false);
    expect(analysis.fieldChanges.map((change) => [change.path, change.change])).toEqual([
      ['assetId', 'added'],
      ['value', 'added'],
    ]);
    expect(analysis.retention.kafka).toEqual({ after: 'P7D' });
    expect(analysis.changelog[0]).toBe('plant.readings 1.0.0: new data product (no approved version yet)');
  });

  it('rejects a schema that is not valid Avro with the registry error', () => {
    expect(() => analyseProposal([v1], { contract: v1.contract, schema: { type: 'record', name: 'R', fields: [{ name: 'x', type: 'nope' }] } })).toThrow(RegistryError);
  });
});
