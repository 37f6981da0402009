import type { CompatibilityMode, DataContract } from '@fieldmesh/governance';
import { checkCompatibility, type PreviousSchema } from '../compatibility/compatibility.checker';
import { COMPATIBILITY_LEVELS } from '../compatibility/compatibility.level';
import { parseSchema, type ParsedSchema } from '../schema/avro.schema';
import {
  metadataChanges,
  privacyChanges,
  retentionChanges,
  sloChanges,
  unitChanges,
  type MetadataChange,
  type PrivacyChanges,
  type RetentionChanges,
  type SloChange,
} from './contract.diff';
import { diffAvroSchemas, fieldAtPath, fieldsAdded, type FieldChange } from './schema.diff';

export type { FieldChange } from './schema.diff';

/** One version of a contract with its Avro schema (the parsed .avsc JSON). */
export interface ContractVersionInput {
  contract: DataContract;
  schema: unknown;
}

/** Something downstream of the product, from the lineage graph. */
export interface DownstreamImpact {
  kind: 'product' | 'job' | 'table';
  name: string;
  /** How it is reached, e.g. the job that reads the topic. */
  via: string;
}

export interface ModeVerdict {
  compatible: boolean;
  /** Confluent-style verbose messages from the registry's checker; empty when compatible. */
  messages: string[];
}

/** What a reviewer needs to decide on a proposed contract version. */
export interface ProposalAnalysis {
  fieldChanges: FieldChange[];
  compatibility: Record<CompatibilityMode, ModeVerdict>;
  /** Incompatible under the proposed contract's own `compatibility` mode. */
  breaking: boolean;
  privacy: PrivacyChanges;
  retention: RetentionChanges;
  slos: SloChange[];
  metadata: MetadataChange[];
  downstream: DownstreamImpact[];
  /** Human-readable lines, most important first: what `fieldmesh contracts check` prints and the console shows. */
  changelog: string[];
}

/** The versions on the proposed version's topic: a new major version is a new topic, a new subject, and starts afresh. */
const onTopic = (previous: ContractVersionInput[], contract: DataContract) => previous.filter((version) => version.contract.kafka.topic === contract.kafka.topic);

const schemaJson = (schema: unknown): unknown => (typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema);

/** The `description:'…'` part of a checker message: the sentence that names the field. */
function descriptionOf(message: string): string | undefined {
  return /description:'(.*)', additionalInfo:/.exec(message)?.[1];
}

/**
 * The checker's descriptions as changelog lines, each naming the field its path points at (in the schema
 * the description says the path is in: the proposed one or the approved version it was checked against).
 */
function verdictLines(verdict: ModeVerdict, against: ContractVersionInput[], proposed: ContractVersionInput): string[] {
  const version = /\{oldSchemaVersion: (\d+)\}/.exec(verdict.messages.join('\n'))?.[1];
  const old = version === undefined ? undefined : against[Number(version) - 1];
  return verdict.messages.flatMap((message) => {
    const description = descriptionOf(message);
    if (description === undefined) return [];
    const located = /path '([^']*)'.*?in the (new|old) schema/.exec(description);
    const schema = located?.[2] === 'new' ? proposed.schema : old?.schema;
    const field = located && schema !== undefined ? fieldAtPath(schemaJson(schema), located[1]!) : undefined;
    const named =
      field &&
      !description.includes(
        `'${field
          .split('.')
          .at(-1)!
          .replace(/\[\]|\{\}/g, '')}'`,
      )
        ? ` [field ${field}]`
        : '';
    return [`  - ${description}${named}${old ? ` (against approved version ${old.contract.version})` : ''}`];
  });
}

function fieldLine(change: FieldChange): string {
  switch (change.change) {
    case 'added':
      return change.before ? `+ field ${change.path}: ${change.after} (was ${change.before})` : `+ field ${change.path}: ${change.after}`;
    case 'removed':
      return `- field ${change.path}: ${change.before}`;
    case 'type-changed':
      return `~ field ${change.path}: type ${change.before} -> ${change.after}`;
    case 'default-changed':
      return `~ field ${change.path}: default ${change.before} -> ${change.after}`;
    case 'doc-changed':
      return `~ field ${change.path}: doc "${change.before}" -> "${change.after}"`;
    case 'unit-changed':
      return `~ field ${change.path}: unit ${change.before} -> ${change.after}`;
  }
}

function changelogFor(previous: ContractVersionInput[], proposed: ContractVersionInput, analysis: Omit<ProposalAnalysis, 'changelog'>): string[] {
  const { contract } = proposed;
  const last = previous.at(-1)?.contract;
  const mode = contract.compatibility;
  const lines: string[] = [];
  lines.push(last ? `${contract.id} ${last.version} -> ${contract.version}` : `${contract.id} ${contract.version}: new data product (no approved version yet)`);
  if (last) {
    const own = analysis.compatibility[mode];
    lines.push(own.compatible ? `Compatible under ${mode} (the contract's compatibility mode)` : `BREAKING under ${mode} (the contract's compatibility mode):`);
    if (last.kafka.topic !== contract.kafka.topic) {
      lines.push(
        `New topic ${contract.kafka.topic} (was ${last.kafka.topic}): its subject starts afresh, so compatibility is checked against earlier versions on that topic only; consumers must move to the new topic`,
      );
    }
    lines.push(...verdictLines(own, onTopic(previous, contract), proposed));
    const incompatible = COMPATIBILITY_LEVELS.filter((level) => !analysis.compatibility[level].compatible);
    const compatible = COMPATIBILITY_LEVELS.filter((level) => analysis.compatibility[level].compatible);
    lines.push(`Modes: compatible under ${compatible.join(', ')}${incompatible.length > 0 ? `; incompatible under ${incompatible.join(', ')}` : ''}`);
  }
  if (analysis.fieldChanges.length > 0) {
    lines.push('Schema fields:');
    lines.push(...analysis.fieldChanges.map((change) => `  ${fieldLine(change)}`));
  } else if (last) {
    lines.push('Schema fields: unchanged');
  }
  const { newlyPersonal, classificationChanges, maskingChanges } = analysis.privacy;
  if (newlyPersonal.length + classificationChanges.length + maskingChanges.length > 0) {
    lines.push('Privacy:');
    for (const field of newlyPersonal) lines.push(`  ! ${field} is newly personal (masking ${contract.fields[field]?.masking ?? 'none'})`);
    for (const c of classificationChanges) if (!newlyPersonal.includes(c.field)) lines.push(`  ! ${c.field}: classification ${c.before} -> ${c.after}`);
    for (const c of maskingChanges) lines.push(`  ! ${c.field}: masking ${c.before} -> ${c.after}`);
  }
  for (const key of ['kafka', 'warehouse'] as const) {
    const { before, after } = analysis.retention[key];
    if (before === undefined) lines.push(`Retention ${key}: ${after}`);
    else if (before !== after) lines.push(`Retention ${key}: ${before} -> ${after}`);
  }
  for (const slo of analysis.slos) lines.push(slo.before === undefined ? `SLO ${slo.path}: ${slo.after}` : `SLO ${slo.path}: ${slo.before} -> ${slo.after}`);
  for (const change of analysis.metadata) lines.push(`Metadata ${change.path}: ${change.before ?? '(none)'} -> ${change.after ?? '(none)'}`);
  if (analysis.downstream.length > 0) {
    lines.push('Downstream affected:');
    lines.push(...analysis.downstream.map((impact) => `  ${impact.kind} ${impact.name} (via ${impact.via})`));
  }
  return lines;
}

/**
 * Analyses a proposed contract version against the approved ones (oldest first; `[]` for a new contract):
 * the schema diff against the latest approved version, the registry's compatibility verdict under all seven
 * modes (transitive modes against every approved version on the same topic: a new major version is a new
 * topic and subject, checked against none of the old one), privacy, retention, SLO and metadata changes,
 * and a changelog. Pure: no I/O; downstream impact is given by the caller (from lineage).
 * Throws the registry's 42201 error when a schema is not valid Avro.
 */
export function analyseProposal(previous: ContractVersionInput[], proposed: ContractVersionInput, downstream: DownstreamImpact[] = []): ProposalAnalysis {
  const parse = (schema: unknown): ParsedSchema => parseSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));
  const candidate = parse(proposed.schema);
  const history: PreviousSchema[] = onTopic(previous, proposed.contract).map((version, index) => ({ version: index + 1, ...parse(version.schema) }));
  const compatibility = Object.fromEntries(COMPATIBILITY_LEVELS.map((mode) => [mode, checkCompatibility(candidate.type, history, mode)])) as Record<CompatibilityMode, ModeVerdict>;
  const last = previous.at(-1);
  const analysis = {
    fieldChanges: [
      ...(last ? diffAvroSchemas(schemaJson(last.schema), schemaJson(proposed.schema)) : fieldsAdded(schemaJson(proposed.schema))),
      ...unitChanges(last?.contract, proposed.contract),
    ],
    compatibility,
    breaking: !compatibility[proposed.contract.compatibility].compatible,
    privacy: privacyChanges(last?.contract, proposed.contract),
    retention: retentionChanges(last?.contract, proposed.contract),
    slos: sloChanges(last?.contract, proposed.contract),
    metadata: metadataChanges(last?.contract, proposed.contract),
    downstream,
  };
  return { ...analysis, changelog: changelogFor(previous, proposed, analysis) };
}
