/** One difference between two versions of an Avro schema or of the contract's field semantics. */
export interface FieldChange {
  /** Dotted path from the top-level record: `contributors[].share`, `location.site`; `[]` = array items, `{}` = map values. */
  path: string;
  change: 'added' | 'removed' | 'type-changed' | 'default-changed' | 'doc-changed' | 'unit-changed';
  before?: string;
  after?: string;
}

type Json = Record<string, unknown>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const isObject = (node: unknown): node is Json => node !== null && typeof node === 'object' && !Array.isArray(node);
const unqualified = (name: string) => name.slice(name.lastIndexOf('.') + 1);

/**
 * Named types (records, enums, fixed) of a schema by full and by short name, so that a field typed by a
 * name written earlier in the schema diffs like one written inline.
 */
function namedTypes(root: unknown): Map<string, Json> {
  const named = new Map<string, Json>();
  const visit = (node: unknown, namespace: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((member) => visit(member, namespace));
    if (!isObject(node)) return;
    let inner = namespace;
    if (typeof node.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(String(node.type))) {
      inner = node.name.includes('.') ? node.name.slice(0, node.name.lastIndexOf('.')) : typeof node.namespace === 'string' ? node.namespace : namespace;
      named.set(unqualified(node.name), node);
      named.set(`${inner ? `${inner}.` : ''}${unqualified(node.name)}`, node);
    }
    if (Array.isArray(node.fields)) for (const field of node.fields) if (isObject(field)) visit(field.type, inner);
    visit(node.type === 'array' ? node.items : node.type === 'map' ? node.values : isObject(node.type) || Array.isArray(node.type) ? node.type : undefined, inner);
  };
  visit(root, undefined);
  return named;
}

/** Resolves a type reference (`"fieldmesh.x.Contributor"`) to its definition; anything else as it is. */
function resolve(node: unknown, named: Map<string, Json>): unknown {
  if (typeof node === 'string' && !PRIMITIVES.has(node)) return named.get(node) ?? named.get(unqualified(node)) ?? node;
  // `{"type": <type>}` wrapping another type (a nested definition or a reference) is that type.
  const complex = ['record', 'error', 'enum', 'fixed', 'array', 'map'];
  if (isObject(node) && node.logicalType === undefined && node.type !== undefined && !complex.includes(String(node.type))) return resolve(node.type, named);
  return node;
}

/** A short, readable form of a type: `long (timestamp-millis)`, `null | double`, `array<record Contributor>`. */
export function describeType(node: unknown, named: Map<string, Json>): string {
  const type = resolve(node, named);
  if (typeof type === 'string') return PRIMITIVES.has(type) ? type : unqualified(type);
  if (Array.isArray(type)) return type.map((member) => describeType(member, named)).join(' | ');
  if (!isObject(type)) return String(type);
  const kind = String(type.type);
  if (typeof type.logicalType === 'string') {
    const decimal = type.logicalType === 'decimal' ? `(${String(type.precision)},${String(type.scale ?? 0)})` : '';
    const base = kind === 'fixed' ? `fixed(${String(type.size)})` : kind;
    return `${base} (${type.logicalType}${decimal})`;
  }
  const name = typeof type.name === 'string' ? unqualified(type.name) : '';
  switch (kind) {
    case 'record':
    case 'error':
      return `record ${name}`;
    case 'enum':
      return `enum ${name} {${(Array.isArray(type.symbols) ? type.symbols : []).join(', ')}}`;
    case 'fixed':
      return `fixed ${name}(${String(type.size)})`;
    case 'array':
      return `array<${describeType(type.items, named)}>`;
    case 'map':
      return `map<${describeType(type.values, named)}>`;
    default:
      return kind;
  }
}

/** The records a field's type holds, keyed by where they sit: `` (itself or a union branch), `[]`, `{}`. */
function recordsWithin(node: unknown, named: Map<string, Json>): Map<string, Json> {
  const found = new Map<string, Json>();
  const visit = (candidate: unknown, suffix: string): void => {
    const type = resolve(candidate, named);
    if (Array.isArray(type)) {
      const records = type.map((member) => resolve(member, named)).filter((member): member is Json => isObject(member) && (member.type === 'record' || member.type === 'error'));
      for (const record of records) found.set(records.length > 1 ? `${suffix}(${unqualified(String(record.name))})` : suffix, record);
      for (const member of type) {
        const resolved = resolve(member, named);
        if (isObject(resolved) && (resolved.type === 'array' || resolved.type === 'map')) visit(resolved, suffix);
      }
      return;
    }
    if (!isObject(type)) return;
    if (type.type === 'record' || type.type === 'error') found.set(suffix, type);
    else if (type.type === 'array') visit(type.items, `${suffix}[]`);
    else if (type.type === 'map') visit(type.values, `${suffix}{}`);
  };
  visit(node, '');
  return found;
}

const fieldsOf = (record: Json): Json[] => (Array.isArray(record.fields) ? record.fields.filter(isObject) : []);
const showDefault = (field: Json) => ('default' in field ? JSON.stringify(field.default) : '(none)');
const aliasesOf = (field: Json): string[] => (Array.isArray(field.aliases) ? field.aliases.map(String) : []);

function describeField(field: Json, named: Map<string, Json>): string {
  return `${describeType(field.type, named)}${'default' in field ? ` = ${JSON.stringify(field.default)}` : ''}`;
}

/**
 * Field-by-field differences between two Avro record schemas (parsed JSON), nested records included.
 * Fields match by name, or by the new field's aliases (a rename with an alias is one field, reported as
 * removed + added only when no alias links them). Recursion stops at a record already being walked, so a
 * recursive schema terminates.
 */
export function diffAvroSchemas(before: unknown, after: unknown): FieldChange[] {
  const namedBefore = namedTypes(before);
  const namedAfter = namedTypes(after);
  const changes: FieldChange[] = [];
  const walking = new Set<string>();

  const diffRecords = (old: Json, next: Json, prefix: string): void => {
    const key = String(next.name);
    if (walking.has(key)) return;
    walking.add(key);
    const oldFields = fieldsOf(old);
    const matched = new Set<Json>();
    for (const field of fieldsOf(next)) {
      const name = String(field.name);
      const path = `${prefix}${name}`;
      const names = new Set([name, ...aliasesOf(field)]);
      const source = oldFields.find((candidate) => candidate.name === name) ?? oldFields.find((candidate) => names.has(String(candidate.name)));
      if (!source) {
        changes.push({ path, change: 'added', after: describeField(field, namedAfter) });
        continue;
      }
      matched.add(source);
      if (source.name !== name) changes.push({ path, change: 'added', before: `${prefix}${String(source.name)}`, after: `renamed from '${String(source.name)}' (alias kept)` });
      const typeBefore = describeType(source.type, namedBefore);
      const typeAfter = describeType(field.type, namedAfter);
      if (typeBefore !== typeAfter) changes.push({ path, change: 'type-changed', before: typeBefore, after: typeAfter });
      if (showDefault(source) !== showDefault(field)) changes.push({ path, change: 'default-changed', before: showDefault(source), after: showDefault(field) });
      const docBefore = typeof source.doc === 'string' ? source.doc : '';
      const docAfter = typeof field.doc === 'string' ? field.doc : '';
      if (docBefore !== docAfter) changes.push({ path, change: 'doc-changed', before: docBefore, after: docAfter });
      const nestedBefore = recordsWithin(source.type, namedBefore);
      for (const [suffix, record] of recordsWithin(field.type, namedAfter)) {
        const previous = nestedBefore.get(suffix);
        if (previous) diffRecords(previous, record, `${path}${suffix}.`);
      }
    }
    for (const field of oldFields) {
      if (!matched.has(field)) changes.push({ path: `${prefix}${String(field.name)}`, change: 'removed', before: describeField(field, namedBefore) });
    }
    walking.delete(key);
  };

  const root = (schema: unknown, named: Map<string, Json>): Json => {
    const type = resolve(schema, named);
    return isObject(type) ? type : { fields: [] };
  };
  diffRecords(root(before, namedBefore), root(after, namedAfter), '');
  return changes;
}

/** Every top-level field of a new schema, as 'added' (a new contract has no previous version to diff with). */
export function fieldsAdded(schema: unknown): FieldChange[] {
  return diffAvroSchemas({ type: 'record', name: 'None', fields: [] }, schema);
}

/**
 * The field a checker path points at (`/fields/2/type/items/fields/0/type` → `contributors[].feature`), so a
 * compatibility message can name the field; `undefined` when the path is not inside a field.
 */
export function fieldAtPath(schema: unknown, path: string): string | undefined {
  const named = namedTypes(schema);
  const segments = path.split('/').filter(Boolean);
  const names: string[] = [];
  let node: unknown = resolve(schema, named);
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    if (segment === 'fields' && isObject(node)) {
      const field = fieldsOf(node)[Number(segments[++index])];
      if (!field) return undefined;
      names.push(String(field.name));
      // The next segment is `type`: step into the field's type.
      node = resolve(field.type, named);
      index++;
    } else if ((segment === 'items' || segment === 'values') && isObject(node)) {
      if (names.length > 0) names[names.length - 1] += segment === 'items' ? '[]' : '{}';
      node = resolve(node[segment], named);
    } else if (/^\d+$/.test(segment) && Array.isArray(node)) {
      node = resolve(node[Number(segment)], named);
    } else {
      break;
    }
  }
  return names.length > 0 ? names.join('.') : undefined;
}
