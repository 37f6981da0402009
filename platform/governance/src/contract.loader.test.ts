import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkContract, freshnessBasisOf, loadAllContracts, loadContract, maxClockSkewMsOf, validateRecord } from './index';

const root = join(import.meta.dirname, '..', '..', '..');
const rawFile = join(root, 'contracts', 'plant-telemetry', 'raw.yaml');
const rawText = readFileSync(rawFile, 'utf8');

function problemsFree(text: string) {
  const result = checkContract('test.yaml', text, root);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value.contract;
}

function problemsOf(text: string) {
  const result = checkContract('test.yaml', text, root);
  return result.ok ? [] : result.problems;
}

describe('data contracts', () => {
  it('loads every contract in the repository', async () => {
    const contracts = await loadAllContracts(root);
    expect(contracts.map((c) => c.contract.id)).toContain('plant-telemetry.raw');
  });

  it('resolves the raw telemetry contract with its Avro schema', () => {
    const raw = loadContract(rawFile, root);
    expect(raw.contract.kafka.topic).toBe('plant.telemetry.raw.v1');
    expect(raw.avroType.name).toBe('fieldmesh.plant_telemetry.RawReading');
    expect(raw.contract.fields.operatorBadge).toMatchObject({ classification: 'personal', masking: 'pseudonymise' });
  });

  it('names the field when a personal field has no masking', () => {
    const text = rawText.replace('    masking: pseudonymise\n', '');
    expect(problemsOf(text)).toContainEqual({ path: 'fields.operatorBadge.masking', message: "a personal field needs masking 'pseudonymise' or 'drop'" });
  });

  it('names a schema field the contract does not document', () => {
    const text = rawText.replace(/ {2}signal: \{[^\n]*\n/, '');
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'fields.signal' }));
  });

  it('refuses a schema reference outside the schemas folder', () => {
    for (const ref of ['schemas/../package.json.avsc', '../../etc/passwd.avsc', '/etc/hostname.avsc']) {
      const text = rawText.replace(/ref: \S+/, `ref: ${ref}`);
      expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'schema.ref', message: expect.stringContaining('outside the repository') }));
    }
  });

  it('rejects a retention that is not an ISO 8601 duration', () => {
    const text = rawText.replace('kafka: P7D', 'kafka: 7 days');
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'retention.kafka' }));
  });

  it('rejects a topic whose major version differs from the contract version', () => {
    const text = rawText.replace(/^version: 1\.\d+\.\d+$/m, 'version: 2.0.0');
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'kafka.topic' }));
  });

  it('reads freshness as continuous unless the contract says event-driven, as the alerts contract does', () => {
    expect(freshnessBasisOf(loadContract(rawFile, root).contract)).toBe('continuous');
    expect(freshnessBasisOf(loadContract(join(root, 'contracts', 'asset-health', 'alerts.yaml'), root).contract)).toBe('event-driven');
  });

  it('names the field when a freshness basis is not one it knows', () => {
    const text = rawText.replace(/( {4}maxAge: \S+\n)/, '$1    basis: sporadic\n');
    expect(text).toContain('basis: sporadic');
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'slos.freshness.basis' }));
  });

  it('reads the raw telemetry maximum clock skew from the contract, five minutes where a contract does not say', () => {
    expect(loadContract(rawFile, root).contract.timeliness).toEqual({ eventTime: 'readingTime', maxClockSkew: 'PT5M' });
    expect(maxClockSkewMsOf(problemsFree(rawText.replace('maxClockSkew: PT5M', 'maxClockSkew: PT30S')))).toBe(30_000);
    expect(maxClockSkewMsOf(loadContract(join(root, 'contracts', 'asset-health', 'alerts.yaml'), root).contract)).toBe(5 * 60_000);
  });

  it('names the field when the maximum clock skew is not a duration or the event time is not a schema field', () => {
    expect(problemsOf(rawText.replace('maxClockSkew: PT5M', 'maxClockSkew: 5 minutes'))).toContainEqual(expect.objectContaining({ path: 'timeliness.maxClockSkew' }));
    expect(problemsOf(rawText.replace('eventTime: readingTime', 'eventTime: takenAt'))).toContainEqual({
      path: 'timeliness.eventTime',
      message: "'takenAt' is not a field of the Avro schema",
    });
  });

  it('reports YAML syntax errors as a problem, not a crash', () => {
    expect(problemsOf('owner: [unclosed')[0]?.message).toMatch(/not valid YAML/);
  });
});

describe('contract examples', () => {
  const raw = loadContract(rawFile, root);
  const dir = join(root, 'contracts', 'plant-telemetry', 'examples', 'raw');
  const read = (kind: string, name: string) => JSON.parse(readFileSync(join(dir, kind, name), 'utf8')) as Record<string, unknown>;

  it.each(readdirSync(join(dir, 'valid')))('valid/%s passes schema and quality rules', (name) => {
    expect(validateRecord(raw, read('valid', name))).toEqual([]);
  });

  // Invalid examples are named <field>--<reason>.json: the problem must name that field.
  it.each(readdirSync(join(dir, 'invalid')))('invalid/%s is rejected naming its field', (name) => {
    const field = name.split('--')[0];
    const problems = validateRecord(raw, read('invalid', name));
    expect(problems.map((p) => p.path)).toContain(field);
  });
});
