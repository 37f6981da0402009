import { freshnessBasisOf, type DataContract } from '@fieldmesh/governance';
import type { FieldChange } from './schema.diff';

export interface PrivacyChanges {
  /** Fields that are personal now and were not (or did not exist) in the previous version. */
  newlyPersonal: string[];
  classificationChanges: { field: string; before: string; after: string }[];
  maskingChanges: { field: string; before: string; after: string }[];
}

export interface RetentionChanges {
  kafka: { before?: string; after: string };
  warehouse: { before?: string; after: string };
}

export interface SloChange {
  path: string;
  before?: string | number;
  after: string | number;
}

export interface MetadataChange {
  path: string;
  before?: string;
  after?: string;
}

/** Classification and masking per field, from the contract's `fields`. */
export function privacyChanges(before: DataContract | undefined, after: DataContract): PrivacyChanges {
  const changes: PrivacyChanges = { newlyPersonal: [], classificationChanges: [], maskingChanges: [] };
  for (const [field, semantics] of Object.entries(after.fields)) {
    const previous = before?.fields[field];
    if (semantics.classification === 'personal' && previous?.classification !== 'personal') changes.newlyPersonal.push(field);
    if (!previous) continue;
    if (previous.classification !== semantics.classification) changes.classificationChanges.push({ field, before: previous.classification, after: semantics.classification });
    if (previous.masking !== semantics.masking) changes.maskingChanges.push({ field, before: previous.masking, after: semantics.masking });
  }
  return changes;
}

/** Units live in the contract, not in Avro: a changed unit is a field change a reader must see. */
export function unitChanges(before: DataContract | undefined, after: DataContract): FieldChange[] {
  if (!before) return [];
  return Object.entries(after.fields).flatMap(([field, semantics]) => {
    const previous = before.fields[field];
    if (!previous || previous.unit === semantics.unit) return [];
    return [{ path: field, change: 'unit-changed' as const, before: previous.unit ?? '(none)', after: semantics.unit ?? '(none)' }];
  });
}

export function retentionChanges(before: DataContract | undefined, after: DataContract): RetentionChanges {
  const side = (key: 'kafka' | 'warehouse') => (before ? { before: before.retention[key], after: after.retention[key] } : { after: after.retention[key] });
  return { kafka: side('kafka'), warehouse: side('warehouse') };
}

/**
 * Changed objectives; for a new contract every objective, so the reviewer sees what is promised. The
 * freshness basis counts as an objective (it changes what maxAge promises and how it is monitored), with
 * its default filled in so a contract that starts to state `continuous` is no change.
 */
export function sloChanges(before: DataContract | undefined, after: DataContract): SloChange[] {
  const objectives = (contract: DataContract): [string, string | number][] => [
    ['slos.freshness.maxAge', contract.slos.freshness.maxAge],
    ['slos.freshness.basis', freshnessBasisOf(contract)],
    ['slos.completeness.minRatio', contract.slos.completeness.minRatio],
    ['slos.completeness.window', contract.slos.completeness.window],
  ];
  if (!before) return objectives(after).map(([path, value]) => ({ path, after: value }));
  const previous = new Map(objectives(before));
  return objectives(after)
    .filter(([path, value]) => previous.get(path) !== value)
    .map(([path, value]) => ({ path, before: previous.get(path)!, after: value }));
}

// Reported elsewhere (version, status: lifecycle; retention, slos: own sections; classification, masking,
// unit: privacy and field changes), so not repeated as metadata.
const REPORTED_ELSEWHERE = [/^version$/, /^status$/, /^retention\./, /^slos\./, /^fields\.[^.]+\.(classification|masking|unit)$/];

/** Flattens a contract to `path → text`: objects by key, quality rules by name, other arrays as one list. */
function flatten(node: unknown, path: string, into: Map<string, string>): Map<string, string> {
  if (Array.isArray(node)) {
    const named = node.every((item) => item !== null && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string');
    if (named && node.length > 0) for (const item of node as { name: string }[]) flatten(item, `${path}.${item.name}`, into);
    else into.set(path, node.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', '));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) flatten(value, path ? `${path}.${key}` : key, into);
  } else if (node !== undefined) {
    into.set(path, String(node));
  }
  return into;
}

/** Owner, description, Kafka settings, compatibility, field descriptions, quality rules, upstream, processing. */
export function metadataChanges(before: DataContract | undefined, after: DataContract): MetadataChange[] {
  if (!before) return [];
  const old = flatten(before, '', new Map());
  const next = flatten(after, '', new Map());
  // A field added or removed is a field change already; only the semantics of kept fields are metadata.
  const kept = (path: string) => {
    const field = /^fields\.([^.]+)\./.exec(path)?.[1];
    return field === undefined || (field in before.fields && field in after.fields);
  };
  const paths = [...new Set([...old.keys(), ...next.keys()])].filter((path) => kept(path) && !REPORTED_ELSEWHERE.some((pattern) => pattern.test(path)));
  return paths.flatMap((path) => {
    const was = old.get(path);
    const is = next.get(path);
    if (was === is) return [];
    return [{ path, ...(was === undefined ? {} : { before: was }), ...(is === undefined ? {} : { after: is }) }];
  });
}
