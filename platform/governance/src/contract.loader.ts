import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseWith, type Problem } from '@fieldmesh/config';
import avro from 'avsc';
import { parse as parseYaml } from 'yaml';
import { dataContractSchema, type DataContract } from './contract.schema';
import { ContractInvalid } from './errors';

/** A validated contract with its Avro schema resolved from `schemas/`. */
export interface LoadedContract {
  file: string;
  contract: DataContract;
  /** The Avro schema as written in the .avsc file. */
  avroSchema: avro.schema.RecordType;
  avroType: avro.types.RecordType;
}

/** An Avro schema file larger than this is not a schema someone wrote: refused before it is read. */
const MAX_SCHEMA_FILE_BYTES = 1024 * 1024;

/**
 * Contracts come from pull requests and the registry's proposals, so a reference is confined to the
 * repository's `schemas/` folder: `../` or an absolute path would otherwise read any file on the host.
 */
function schemaPathOf(root: string, ref: string): { path: string } | { problem: Problem } {
  const schemas = resolve(root, 'schemas');
  const path = resolve(root, ref);
  if (!path.startsWith(schemas + sep)) return { problem: { path: 'schema.ref', message: `${ref} is outside the repository's schemas/ folder; reference a file under schemas/` } };
  return { path };
}

function readAvro(root: string, ref: string): { schema?: avro.schema.RecordType; type?: avro.types.RecordType; problem?: Problem } {
  const located = schemaPathOf(root, ref);
  if ('problem' in located) return located;
  const { path } = located;
  try {
    const size = statSync(path).size;
    if (size > MAX_SCHEMA_FILE_BYTES)
      return { problem: { path: 'schema.ref', message: `${ref} is ${size} bytes, above the ${MAX_SCHEMA_FILE_BYTES} bytes an Avro schema may have` } };
    const schema = JSON.parse(readFileSync(path, 'utf8')) as avro.schema.RecordType;
    const type = avro.Type.forSchema(schema) as avro.types.RecordType;
    if (type.typeName !== 'record') return { problem: { path: 'schema.ref', message: `${ref} must define an Avro record` } };
    return { schema, type };
  } catch (error) {
    return { problem: { path: 'schema.ref', message: `cannot read Avro schema ${ref}: ${(error as Error).message}` } };
  }
}

/** Checks that the contract and its schema agree: documented fields, key, rules, topic version. */
function crossCheck(contract: DataContract, type: avro.types.RecordType): Problem[] {
  const problems: Problem[] = [];
  const avroFields = new Set(type.fields.map((f) => f.name));
  for (const name of avroFields) {
    if (!contract.fields[name])
      problems.push({ path: `fields.${name}`, message: 'field is in the Avro schema but has no semantics (description, classification) in the contract' });
  }
  for (const name of Object.keys(contract.fields)) {
    if (!avroFields.has(name)) problems.push({ path: `fields.${name}`, message: 'field is not in the Avro schema' });
  }
  if (!avroFields.has(contract.kafka.key)) problems.push({ path: 'kafka.key', message: `'${contract.kafka.key}' is not a field of the Avro schema` });
  contract.quality.forEach((rule, i) => {
    if (!avroFields.has(rule.field)) problems.push({ path: `quality.${i}.field`, message: `'${rule.field}' is not a field of the Avro schema` });
    for (const field of Object.keys(rule.where ?? {})) {
      if (!avroFields.has(field)) problems.push({ path: `quality.${i}.where.${field}`, message: `'${field}' is not a field of the Avro schema` });
    }
  });
  const processing = contract.processing;
  if (processing && !avroFields.has(processing.eventTime)) problems.push({ path: 'processing.eventTime', message: `'${processing.eventTime}' is not a field of the Avro schema` });
  const timeliness = contract.timeliness;
  if (timeliness && !avroFields.has(timeliness.eventTime)) problems.push({ path: 'timeliness.eventTime', message: `'${timeliness.eventTime}' is not a field of the Avro schema` });
  processing?.deduplication?.key.forEach((field, i) => {
    if (!avroFields.has(field)) problems.push({ path: `processing.deduplication.key.${i}`, message: `'${field}' is not a field of the Avro schema` });
  });
  const major = contract.version.split('.')[0];
  if (!contract.kafka.topic.endsWith(`.v${major}`)) problems.push({ path: 'kafka.topic', message: `topic must end with .v${major} to match contract version ${contract.version}` });
  return problems;
}

/** Parses and validates contract text; returns the contract or every problem found. */
export function checkContract(file: string, text: string, root: string): { ok: true; value: LoadedContract } | { ok: false; problems: Problem[] } {
  let document: unknown;
  try {
    // Warnings (unknown tags or directives) would print to the process for every hostile text; the schema judges the result.
    document = parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    return { ok: false, problems: [{ path: '(root)', message: `not valid YAML: ${(error as Error).message}` }] };
  }
  const parsed = parseWith(dataContractSchema, document);
  if (!parsed.ok) return parsed;
  const avroFile = readAvro(root, parsed.value.schema.ref);
  if (avroFile.problem || !avroFile.schema || !avroFile.type) return { ok: false, problems: [avroFile.problem!] };
  const problems = crossCheck(parsed.value, avroFile.type);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { file, contract: parsed.value, avroSchema: avroFile.schema, avroType: avroFile.type } };
}

/** Loads one contract file; throws ContractInvalid listing every problem. */
export function loadContract(file: string, root: string): LoadedContract {
  const result = checkContract(relative(root, file) || file, readFileSync(file, 'utf8'), root);
  if (!result.ok) throw new ContractInvalid(file, result.problems);
  return result.value;
}

/** Every contract under `<root>/contracts/<domain>/<product>.yaml`. */
export async function loadAllContracts(root: string): Promise<LoadedContract[]> {
  const base = join(root, 'contracts');
  const contracts: LoadedContract[] = [];
  for (const domain of await readdir(base, { withFileTypes: true })) {
    if (!domain.isDirectory()) continue;
    for (const entry of await readdir(join(base, domain.name), { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.yaml')) contracts.push(loadContract(join(base, domain.name, entry.name), root));
    }
  }
  return contracts;
}
