import avsc from 'avsc';
import type { CompatibilityLevel } from './compatibility.level';

/** A registered version the candidate is checked against. */
export interface PreviousSchema {
  version: number;
  canonical: string;
  type: avsc.Type;
}

export interface CompatibilityVerdict {
  compatible: boolean;
  /** Confluent-style verbose messages: one per incompatibility, then the old version, schema and level. */
  messages: string[];
}

interface Incompatibility {
  errorType: string;
  description: string;
  additionalInfo: string;
}

type Role = 'new' | 'old';
interface Roles {
  reader: Role;
  writer: Role;
}

// Java's SchemaCompatibility (what Confluent runs) matches a named type by its unqualified name, so a
// namespace change alone is compatible, or by a reader alias equal to the writer's FULL name (aliases are
// qualified with the reader's namespace). avsc with ignoreNamespaces compares names unqualified, aliases
// included, so before asking it, `javaAliasesOnly` drops the reader aliases that Java would not match.
// A fresh object per call: avsc caches resolvers by type names in the options it is given.
const resolveOptions = () => ({ ignoreNamespaces: true });

const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** Calls `visit` on every named type's schema (as avsc exports it: full names, qualified aliases). */
function eachNamedType(node: unknown, visit: (named: { name: string; aliases?: string[] }) => void): void {
  if (Array.isArray(node)) {
    for (const branch of node) eachNamedType(branch, visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const type = node as { type?: unknown; name?: unknown; fields?: Array<{ type: unknown }>; items?: unknown; values?: unknown };
  if (typeof type.type === 'string' && NAMED.has(type.type) && typeof type.name === 'string') visit(type as { name: string; aliases?: string[] });
  for (const field of type.fields ?? []) eachNamedType(field.type, visit);
  eachNamedType(type.items, visit);
  eachNamedType(type.values, visit);
  if (typeof type.type === 'object') eachNamedType(type.type, visit);
}

const exported = (type: avsc.Type): unknown => (type as unknown as { schema(opts: { exportAttrs: boolean }): unknown }).schema({ exportAttrs: true });

/**
 * `reader` without the aliases that name no type of `writer` by its full name: avsc would match such an
 * alias on its unqualified name (e.g. `other.Reading` for a writer's `fieldmesh.test.Reading`), Java never.
 * Returns `reader` itself when no alias is dropped.
 */
function javaAliasesOnly(reader: avsc.Type, writer: avsc.Type): avsc.Type {
  const writerNames = new Set<string>();
  eachNamedType(exported(writer), (named) => writerNames.add(named.name));
  const schema = exported(reader);
  let dropped = false;
  eachNamedType(schema, (named) => {
    const kept = (named.aliases ?? []).filter((alias) => writerNames.has(alias));
    if (kept.length === (named.aliases ?? []).length) return;
    dropped = true;
    named.aliases = kept;
  });
  return dropped ? avsc.Type.forSchema(schema as avsc.Schema) : reader;
}

function canRead(reader: avsc.Type, writer: avsc.Type): boolean {
  return resolveError(reader, writer) === '';
}

function resolveError(reader: avsc.Type, writer: avsc.Type): string {
  try {
    javaAliasesOnly(reader, writer).createResolver(writer, resolveOptions());
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

// avsc's typings do not expose the structural accessors; this is the subset the explanation walks.
interface TypeShape {
  typeName: string;
  name?: string;
  aliases?: string[];
  fields?: Array<{ name: string; type: avsc.Type; aliases: string[]; defaultValue(): unknown }>;
  symbols?: string[];
  size?: number;
  itemsType?: avsc.Type;
  valuesType?: avsc.Type;
  types?: avsc.Type[];
  underlyingType?: avsc.Type;
}

function shape(type: avsc.Type): TypeShape {
  const raw = type as unknown as TypeShape;
  return raw.typeName.startsWith('logical:') && raw.underlyingType ? shape(raw.underlyingType) : raw;
}

const unqualified = (name: string) => name.slice(name.lastIndexOf('.') + 1);

/** Java's rule: the same unqualified name, or a reader alias (qualified) equal to the writer's full name. */
function namesMatch(reader: TypeShape, writer: TypeShape): boolean {
  if (!writer.name) return true;
  return unqualified(reader.name ?? '') === unqualified(writer.name) || (reader.aliases ?? []).includes(writer.name);
}

const isUnion = (type: TypeShape) => type.typeName.startsWith('union');

/**
 * Explains why `reader` cannot read data written with `writer`, in Confluent's vocabulary (errorType and a
 * description naming the path in the reader schema). The verdict itself is avsc's schema resolution; this
 * walk only locates the fields that make it fail.
 */
function explain(readerType: avsc.Type, writerType: avsc.Type, path: string, roles: Roles): Incompatibility[] {
  if (canRead(readerType, writerType)) return [];
  const reader = shape(readerType);
  const writer = shape(writerType);
  const { reader: r, writer: w } = roles;
  const typeMismatch = (): Incompatibility => ({
    errorType: 'TYPE_MISMATCH',
    description: `The type (path '${path}') of a field in the ${r} schema does not match with the ${w} schema: ${resolveError(readerType, writerType)}`,
    additionalInfo: `reader type: ${reader.typeName} not compatible with writer type: ${writer.typeName}`,
  });

  if (isUnion(writer)) {
    const branchIssues = (writer.types ?? []).flatMap((branch, index) =>
      canRead(readerType, branch)
        ? []
        : isUnion(reader)
          ? [
              {
                errorType: 'MISSING_UNION_BRANCH',
                description: `The ${r} schema is missing a type inside a union field at path '${path}/${index}' in the ${w} schema`,
                additionalInfo: `reader union lacking writer type: ${shape(branch).typeName.toUpperCase()}`,
              },
            ]
          : explain(readerType, branch, path, roles),
    );
    return branchIssues.length > 0 ? branchIssues : [typeMismatch()];
  }
  if (isUnion(reader)) {
    return [
      {
        errorType: 'MISSING_UNION_BRANCH',
        description: `The ${r} schema is missing a type inside a union field at path '${path}' in the ${w} schema`,
        additionalInfo: `reader union lacking writer type: ${writer.typeName.toUpperCase()}`,
      },
    ];
  }
  if (reader.typeName !== writer.typeName) return [typeMismatch()];
  if (reader.name !== undefined && !namesMatch(reader, writer)) {
    return [
      {
        errorType: 'NAME_MISMATCH',
        description: `The name of the schema has changed (path '${path}/name'): the ${r} schema is '${reader.name}', the ${w} schema '${writer.name}' (to rename, add the old full name '${writer.name}' to "aliases")`,
        additionalInfo: `expected: ${writer.name}`,
      },
    ];
  }

  const issues: Incompatibility[] = [];
  switch (reader.typeName) {
    case 'record':
    case 'error':
      (reader.fields ?? []).forEach((field, index) => {
        const names = new Set([field.name, ...field.aliases]);
        const source = (writer.fields ?? []).find((candidate) => names.has(candidate.name));
        if (!source) {
          if (field.defaultValue() === undefined) {
            issues.push({
              errorType: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              description: `The field '${field.name}' at path '${path}/fields/${index}' in the ${r} schema has no default value and is missing in the ${w} schema`,
              additionalInfo: field.name,
            });
          }
          return;
        }
        issues.push(...explain(field.type, source.type, `${path}/fields/${index}/type`, roles));
      });
      break;
    case 'enum': {
      const missing = (writer.symbols ?? []).filter((symbol) => !(reader.symbols ?? []).includes(symbol));
      issues.push({
        errorType: 'MISSING_ENUM_SYMBOLS',
        description: `The ${r} schema is missing enum symbols '[${missing.join(', ')}]' at path '${path}/symbols' in the ${w} schema (or give the enum a "default")`,
        additionalInfo: `[${missing.join(', ')}]`,
      });
      break;
    }
    case 'fixed':
      issues.push({
        errorType: 'FIXED_SIZE_MISMATCH',
        description: `The size of FIXED type field at path '${path}/size' in the ${r} schema (${reader.size}) does not match with the ${w} schema (${writer.size})`,
        additionalInfo: `expected: ${writer.size}, found: ${reader.size}`,
      });
      break;
    case 'array':
      if (reader.itemsType && writer.itemsType) issues.push(...explain(reader.itemsType, writer.itemsType, `${path}/items`, roles));
      break;
    case 'map':
      if (reader.valuesType && writer.valuesType) issues.push(...explain(reader.valuesType, writer.valuesType, `${path}/values`, roles));
      break;
  }
  return issues.length > 0 ? issues : [typeMismatch()];
}

const format = (issue: Incompatibility) => `{errorType:'${issue.errorType}', description:'${issue.description}', additionalInfo:'${issue.additionalInfo}'}`;

/**
 * Checks `candidate` against previously registered versions (ascending by version) under `level`.
 * BACKWARD: the candidate reads data written with the old schema; FORWARD: the old schema reads data
 * written with the candidate; FULL: both. Non-transitive levels compare with the last version given,
 * transitive ones with every version given. NONE accepts anything.
 */
export function checkCompatibility(candidate: avsc.Type, previous: PreviousSchema[], level: CompatibilityLevel): CompatibilityVerdict {
  if (level === 'NONE' || previous.length === 0) return { compatible: true, messages: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? [...previous].reverse() : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const messages: string[] = [];
  for (const old of against) {
    const issues = [
      ...(backward ? explain(candidate, old.type, '', { reader: 'new', writer: 'old' }) : []),
      ...(forward ? explain(old.type, candidate, '', { reader: 'old', writer: 'new' }) : []),
    ];
    if (issues.length === 0) continue;
    messages.push(...issues.map(format), `{oldSchemaVersion: ${old.version}}`, `{oldSchema: '${old.canonical}'}`, `{compatibility: '${level}'}`);
    // As Confluent, report the first incompatible version only.
    break;
  }
  return { compatible: messages.length === 0, messages };
}
