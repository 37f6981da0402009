import type { CompatibilityLevel } from '../compatibility/compatibility.level';
import type { SchemaReference } from '../schema/avro.schema';
import type { LogRecord, SchemaValue } from './schema-log.records';

export interface VersionEntry {
  version: number;
  id: number;
  deleted: boolean;
}

export interface StoredSchema {
  id: number;
  schema: string;
  schemaType: string;
  references: SchemaReference[];
}

/** Whether a record changed the state, or was a losing claim that every instance ignores alike. */
export type ApplyOutcome = 'accepted' | 'rejected';

// The same text with other references is another schema: its named types may resolve differently.
const contentOf = (value: { schema: string; schemaType?: string; references?: SchemaReference[] }) =>
  `${value.schemaType ?? 'AVRO'}\u0000${value.schema}\u0000${JSON.stringify((value.references ?? []).map(({ name, subject, version }) => [name, subject, version]))}`;
const keyOf = (subject: string, version: number) => JSON.stringify([subject, version]);

/**
 * The registry's state, rebuilt by applying the log in order. Every instance applies the same rules to the
 * same records, so every instance ends in the same state; this is what makes ids safe without a leader.
 *
 * Writers claim without coordination (next version, `id = max + 1`), so two instances may claim the same
 * thing at once. A SCHEMA record is accepted only if it agrees with everything accepted before it:
 *  - its subject/version is free, or holds the same id (then only `deleted` changes: a soft delete);
 *  - its id is free or already bound to the same schema text;
 *  - its schema text is not already bound to a different id (one schema, one global id, as Confluent).
 * Otherwise it is rejected: ignored by every instance, and its writer catches up and claims again.
 *
 * Compaction keeps only the last record per key, so a rejected claim must not stay the last one for its
 * key: a writer that lost a version to another claim writes the winner's value again, and one that lost
 * an id claims the same subject/version again with another id. A writer that dies between losing and
 * retrying leaves its rejected claim last; that is harmless unless the record it lost to is later rewritten
 * or deleted and then compacted away, after which a replay could accept it.
 */
export class RegistryState {
  private readonly subjects = new Map<string, Map<number, VersionEntry>>();
  private readonly schemasById = new Map<number, StoredSchema & { content: string }>();
  private readonly idsByContent = new Map<string, number>();
  /** How many versions (soft-deleted included) use each id; an id nobody uses is not served. */
  private readonly usage = new Map<number, number>();
  private readonly levels = new Map<string | null, CompatibilityLevel>();
  /** Keys whose latest record was a rejected claim: compaction would keep it, so its writer repairs the key. */
  private readonly rejectedLast = new Set<string>();
  private highestId = 0;

  apply(record: LogRecord): ApplyOutcome {
    switch (record.kind) {
      case 'schema':
        return record.value === null ? this.removeVersion(record.key.subject, record.key.version) : this.applySchema(record.value);
      case 'config':
        if (record.value === null) this.levels.delete(record.key.subject);
        else this.levels.set(record.key.subject, record.value.compatibilityLevel);
        return 'accepted';
      case 'noop':
      case 'ignored':
        return 'accepted';
    }
  }

  private applySchema(value: SchemaValue): ApplyOutcome {
    const content = contentOf(value);
    const versions = this.subjects.get(value.subject);
    const current = versions?.get(value.version);
    const boundSchema = this.schemasById.get(value.id);
    const boundId = this.idsByContent.get(content);
    const agrees =
      (current === undefined || current.id === value.id) && (boundSchema === undefined || boundSchema.content === content) && (boundId === undefined || boundId === value.id);
    const key = keyOf(value.subject, value.version);
    if (!agrees) {
      this.rejectedLast.add(key);
      return 'rejected';
    }
    this.rejectedLast.delete(key);
    if (current) {
      current.deleted = value.deleted;
      return 'accepted';
    }
    const subjectVersions = versions ?? new Map<number, VersionEntry>();
    subjectVersions.set(value.version, { version: value.version, id: value.id, deleted: value.deleted });
    this.subjects.set(value.subject, subjectVersions);
    this.schemasById.set(value.id, { id: value.id, schema: value.schema, schemaType: value.schemaType ?? 'AVRO', references: value.references ?? [], content });
    this.idsByContent.set(content, value.id);
    this.usage.set(value.id, (this.usage.get(value.id) ?? 0) + 1);
    this.highestId = Math.max(this.highestId, value.id);
    return 'accepted';
  }

  private removeVersion(subject: string, version: number): ApplyOutcome {
    this.rejectedLast.delete(keyOf(subject, version));
    const versions = this.subjects.get(subject);
    const entry = versions?.get(version);
    if (!versions || !entry) return 'accepted';
    versions.delete(version);
    if (versions.size === 0) this.subjects.delete(subject);
    // The id stays bound to its schema: registering it again brings back the same id.
    this.usage.set(entry.id, (this.usage.get(entry.id) ?? 1) - 1);
    return 'accepted';
  }

  /** Highest id ever accepted; a new schema claims the next one. */
  get maxId(): number {
    return this.highestId;
  }

  /** Versions of a subject in ascending order, soft-deleted ones included (check `deleted`). */
  versions(subject: string): VersionEntry[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()].sort();
  }

  schemaById(id: number): StoredSchema | undefined {
    const stored = this.schemasById.get(id);
    if (!stored || (this.usage.get(id) ?? 0) <= 0) return undefined;
    return { id: stored.id, schema: stored.schema, schemaType: stored.schemaType, references: stored.references };
  }

  /** The id bound to this schema text and references, if it was ever registered. */
  idFor(schema: string, schemaType = 'AVRO', references: SchemaReference[] = []): number | undefined {
    return this.idsByContent.get(contentOf({ schema, schemaType, references }));
  }

  /** Ids of served schemas whose references name this subject version. */
  referencingIds(subject: string, version: number): number[] {
    return [...this.schemasById.values()]
      .filter((stored) => (this.usage.get(stored.id) ?? 0) > 0)
      .filter((stored) => stored.references.some((reference) => reference.subject === subject && reference.version === version))
      .map((stored) => stored.id);
  }

  /** Every subject/version using an id. */
  usesOf(id: number): Array<{ subject: string; version: number; deleted: boolean }> {
    return [...this.subjects].flatMap(([subject, versions]) =>
      [...versions.values()].filter((entry) => entry.id === id).map((entry) => ({ subject, version: entry.version, deleted: entry.deleted })),
    );
  }

  level(subject: string | null): CompatibilityLevel | undefined {
    return this.levels.get(subject);
  }

  /** True when the last record seen for this subject/version was a rejected claim. */
  lastClaimRejected(subject: string, version: number): boolean {
    return this.rejectedLast.has(keyOf(subject, version));
  }
}
