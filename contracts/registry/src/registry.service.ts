import type avsc from 'avsc';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { checkCompatibility, type PreviousSchema } from './compatibility/compatibility.checker';
import { DEFAULT_COMPATIBILITY_LEVEL, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility/compatibility.level';
import { RegistryErrors, SchemaIncompatibleError } from './errors';
import { parseSchema, type ParsedSchema, type SchemaReference } from './schema/avro.schema';
import { RegistryState, type VersionEntry } from './store/registry.state';
import { SchemaLog } from './store/schema-log';
import { configKey, schemaKey, type LogRecord } from './store/schema-log.records';

/** How often a writer that lost a race for an id or version catches up and claims again. */
const MAX_CLAIM_ATTEMPTS = 10;
const MAX_VERSION = 2 ** 31 - 1;

export type VersionParam = number | 'latest';

/** Parses a version path segment: 1..2^31-1, or "latest" (also spelt -1, as Confluent accepts). */
export function parseVersion(text: string): VersionParam {
  if (text === 'latest' || text === '-1') return 'latest';
  const version = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) throw RegistryErrors.invalidVersion(text);
  return version;
}

const schemaBodySchema = z.object({
  schema: z.string({ error: 'is required: the schema as a JSON string' }),
  schemaType: z.string().optional(),
  references: z.array(z.object({ name: z.string().min(1), subject: z.string().min(1), version: z.number().int().min(1).max(MAX_VERSION) })).optional(),
});

/** Validates the shape of a request body carrying a schema (register, lookup, compatibility). */
function readSchemaBody(body: unknown): z.output<typeof schemaBodySchema> {
  const result = schemaBodySchema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  if (result.error.issues.some((issue) => issue.path[0] === 'schema' || issue.path[0] === 'references')) throw RegistryErrors.invalidSchema(problems);
  throw RegistryErrors.unprocessable(problems);
}

export interface SubjectVersionView {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

/** Confluent leaves schemaType out for AVRO and references out when there are none. */
function schemaFields(stored: { schema: string; schemaType: string; references: SchemaReference[] }) {
  return {
    schema: stored.schema,
    ...(stored.schemaType !== 'AVRO' ? { schemaType: stored.schemaType } : {}),
    ...(stored.references.length > 0 ? { references: stored.references } : {}),
  };
}

/** Versions keep counting past soft-deleted ones, as Confluent's do. */
const nextVersionOf = (versions: readonly VersionEntry[]) => (versions.at(-1)?.version ?? 0) + 1;

/**
 * The registry's operations with Confluent Schema Registry's semantics. Reads answer from the state this
 * instance has applied; writes are serialised per instance, catch up with the log first, and are decided
 * by the log (see RegistryState), so several instances may serve the same topic.
 */
@Injectable()
export class RegistryService {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly parsedById = new Map<number, avsc.Type>();

  constructor(
    @Inject(RegistryState) private readonly state: RegistryState,
    @Inject(SchemaLog) private readonly log: SchemaLog,
  ) {}

  // ---- subjects and versions ----

  listSubjects(includeDeleted: boolean): string[] {
    return this.state.subjectNames().filter((subject) => this.visibleVersions(subject, includeDeleted).length > 0);
  }

  listVersions(subject: string, includeDeleted: boolean): number[] {
    return this.requireVersions(subject, includeDeleted).map((entry) => entry.version);
  }

  getVersion(subject: string, versionText: string, includeDeleted: boolean): SubjectVersionView {
    const version = parseVersion(versionText);
    const versions = this.requireVersions(subject, includeDeleted);
    const entry = version === 'latest' ? versions.at(-1) : versions.find((candidate) => candidate.version === version);
    if (!entry) throw RegistryErrors.versionNotFound(version === 'latest' ? -1 : version);
    return this.view(subject, entry);
  }

  lookup(subject: string, body: unknown, includeDeleted: boolean): SubjectVersionView {
    const parsed = this.parseBody(body);
    const versions = this.requireVersions(subject, includeDeleted);
    const id = this.state.idFor(parsed.canonical, parsed.schemaType, parsed.references);
    const entry = versions.filter((candidate) => candidate.id === id).at(-1);
    if (!entry) throw RegistryErrors.schemaNotFound();
    return this.view(subject, entry);
  }

  async register(subject: string, body: unknown): Promise<{ id: number }> {
    const { id } = await this.registerSchema(subject, this.parseBody(body));
    return { id };
  }

  /**
   * Where the schema stands in the subject, once caught up with the log: held already as a live version
   * (registering it again changes nothing), or the version a registration would create.
   */
  async placement(subject: string, parsed: ParsedSchema): Promise<{ held: true; id: number; version: number } | { held: false; version: number }> {
    await this.log.sync();
    const versions = this.state.versions(subject);
    const id = this.state.idFor(parsed.canonical, parsed.schemaType, parsed.references);
    const held = id === undefined ? undefined : versions.find((entry) => !entry.deleted && entry.id === id);
    return held ? { held: true, id: held.id, version: held.version } : { held: false, version: nextVersionOf(versions) };
  }

  /**
   * Registers a parsed schema under the subject (see `parseBody`), answering where it is and whether this
   * call created the version (a schema the subject already holds answers its existing version).
   */
  registerSchema(subject: string, parsed: ParsedSchema): Promise<{ id: number; version: number; created: boolean }> {
    return this.serialised(async () => {
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
        await this.log.sync();
        const versions = this.state.versions(subject);
        const live = versions.filter((entry) => !entry.deleted);
        const knownId = this.state.idFor(parsed.canonical, parsed.schemaType, parsed.references);
        const existing = knownId === undefined ? undefined : live.find((entry) => entry.id === knownId);
        if (existing) return { id: existing.id, version: existing.version, created: false };
        const level = this.effectiveLevel(subject);
        const verdict = checkCompatibility(parsed.type, this.previous(live), level);
        if (!verdict.compatible) throw new SchemaIncompatibleError(subject, level, verdict.messages);
        const id = knownId ?? this.state.maxId + 1;
        const version = nextVersionOf(versions);
        const [outcome] = await this.log.append([
          {
            kind: 'schema',
            key: schemaKey(subject, version),
            value: { subject, version, id, ...schemaFields({ ...parsed, schema: parsed.canonical }), deleted: false },
          },
        ]);
        if (outcome === 'accepted') return { id, version, created: true };
        await this.repairLostClaim(subject, version);
      }
      throw RegistryErrors.storeError(
        `could not register a version of '${subject}' after ${MAX_CLAIM_ATTEMPTS} attempts because other registry instances kept claiming the same id or version`,
      );
    });
  }

  /**
   * Our rejected claim is now the last record for its key, so compaction would keep it and drop the
   * accepted one. Writing the accepted value again makes the log compact to what every instance decided.
   */
  private async repairLostClaim(subject: string, version: number): Promise<void> {
    if (!this.state.lastClaimRejected(subject, version)) return;
    const winner = this.state.versions(subject).find((entry) => entry.version === version);
    // Nothing was accepted for this version: the retry claims the same key and overwrites the lost claim.
    const stored = winner && this.state.schemaById(winner.id);
    if (!winner || !stored) return;
    await this.log.append([{ kind: 'schema', key: schemaKey(subject, version), value: { subject, version, id: winner.id, ...schemaFields(stored), deleted: winner.deleted } }]);
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.serialised(async () => {
      await this.log.sync();
      const versions = this.state.versions(subject);
      if (versions.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const live = versions.filter((entry) => !entry.deleted);
      for (const entry of permanent ? versions : live) this.refuseIfReferenced(subject, entry.version);
      if (!permanent) {
        if (live.length === 0) throw RegistryErrors.subjectSoftDeleted(subject);
        await this.log.append(live.map((entry) => this.softDeleteRecord(subject, entry)));
        return live.map((entry) => entry.version);
      }
      if (live.length > 0) throw RegistryErrors.subjectNotSoftDeleted(subject);
      await this.log.append(versions.map((entry): LogRecord => ({ kind: 'schema', key: schemaKey(subject, entry.version), value: null })));
      return versions.map((entry) => entry.version);
    });
  }

  deleteVersion(subject: string, versionText: string, permanent: boolean): Promise<number> {
    const version = parseVersion(versionText);
    return this.serialised(async () => {
      await this.log.sync();
      const versions = this.state.versions(subject);
      if (versions.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const candidates = permanent ? versions : versions.filter((entry) => !entry.deleted);
      const entry = version === 'latest' ? candidates.at(-1) : versions.find((candidate) => candidate.version === version);
      if (!entry) throw RegistryErrors.versionNotFound(version === 'latest' ? -1 : version);
      this.refuseIfReferenced(subject, entry.version);
      if (!permanent) {
        if (entry.deleted) throw RegistryErrors.versionSoftDeleted(subject, entry.version);
        await this.log.append([this.softDeleteRecord(subject, entry)]);
      } else {
        if (!entry.deleted) throw RegistryErrors.versionNotSoftDeleted(subject, entry.version);
        await this.log.append([{ kind: 'schema', key: schemaKey(subject, entry.version), value: null }]);
      }
      return entry.version;
    });
  }

  // ---- schemas by id ----

  getSchemaById(id: string): { schema: string; schemaType?: string; references?: SchemaReference[] } {
    return schemaFields(this.requireSchema(id));
  }

  /** Ids of the schemas whose references name this subject version. */
  referencedBy(subject: string, versionText: string): number[] {
    const { version } = this.getVersion(subject, versionText, false);
    return this.state.referencingIds(subject, version);
  }

  getSubjectVersionsById(id: string, includeDeleted: boolean): Array<{ subject: string; version: number }> {
    const stored = this.requireSchema(id);
    return this.state
      .usesOf(stored.id)
      .filter((use) => includeDeleted || !use.deleted)
      .map(({ subject, version }) => ({ subject, version }));
  }

  // ---- compatibility ----

  testCompatibility(subject: string, versionText: string | undefined, body: unknown, verbose: boolean): { is_compatible: boolean; messages?: string[] } {
    const version = versionText === undefined ? undefined : parseVersion(versionText);
    const parsed = this.parseBody(body);
    const live = this.state.versions(subject).filter((entry) => !entry.deleted);
    let against: VersionEntry[] = live;
    if (version !== undefined) {
      // Since Confluent 5.5 "latest" of a subject that does not exist is compatible: there is nothing to break.
      if (live.length === 0 && version !== 'latest') throw RegistryErrors.subjectNotFound(subject);
      const entry = version === 'latest' ? live.at(-1) : live.find((candidate) => candidate.version === version);
      if (!entry && live.length > 0) throw RegistryErrors.versionNotFound(version === 'latest' ? -1 : version);
      against = entry ? [entry] : [];
    }
    const verdict = checkCompatibility(parsed.type, this.previous(against), this.effectiveLevel(subject));
    return verbose ? { is_compatible: verdict.compatible, messages: verdict.messages } : { is_compatible: verdict.compatible };
  }

  // ---- config ----

  getGlobalLevel(): { compatibilityLevel: CompatibilityLevel } {
    return { compatibilityLevel: this.state.level(null) ?? DEFAULT_COMPATIBILITY_LEVEL };
  }

  getSubjectLevel(subject: string, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel } {
    const level = this.state.level(subject);
    if (level) return { compatibilityLevel: level };
    if (defaultToGlobal) return this.getGlobalLevel();
    throw RegistryErrors.subjectLevelCompatibilityNotConfigured(subject);
  }

  setLevel(subject: string | null, body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    const level = parseCompatibilityLevel((body as { compatibility?: unknown } | null)?.compatibility);
    return this.serialised(async () => {
      await this.log.append([{ kind: 'config', key: configKey(subject), value: { compatibilityLevel: level } }]);
      return { compatibility: level };
    });
  }

  deleteLevel(subject: string | null): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return this.serialised(async () => {
      await this.log.sync();
      if (subject !== null && this.state.versions(subject).length === 0 && !this.state.level(subject)) {
        throw RegistryErrors.subjectNotFound(subject);
      }
      const previous = (subject !== null ? this.state.level(subject) : undefined) ?? this.getGlobalLevel().compatibilityLevel;
      await this.log.append([{ kind: 'config', key: configKey(subject), value: null }]);
      return { compatibilityLevel: previous };
    });
  }

  // ---- helpers ----

  private effectiveLevel(subject: string): CompatibilityLevel {
    return this.state.level(subject) ?? this.state.level(null) ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  private visibleVersions(subject: string, includeDeleted: boolean): VersionEntry[] {
    return this.state.versions(subject).filter((entry) => includeDeleted || !entry.deleted);
  }

  private requireVersions(subject: string, includeDeleted: boolean): VersionEntry[] {
    const versions = this.visibleVersions(subject, includeDeleted);
    if (versions.length === 0) throw RegistryErrors.subjectNotFound(subject);
    return versions;
  }

  private requireSchema(idText: string) {
    const id = /^\d{1,10}$/.test(idText) ? Number(idText) : NaN;
    const stored = Number.isSafeInteger(id) ? this.state.schemaById(id) : undefined;
    if (!stored) throw RegistryErrors.schemaNotFound(idText);
    return stored;
  }

  private view(subject: string, entry: VersionEntry): SubjectVersionView {
    const stored = this.state.schemaById(entry.id);
    if (!stored) throw RegistryErrors.schemaNotFound(entry.id);
    return { subject, version: entry.version, id: entry.id, ...schemaFields(stored) };
  }

  private previous(entries: VersionEntry[]): PreviousSchema[] {
    return entries.map((entry) => {
      const stored = this.state.schemaById(entry.id);
      if (!stored) throw RegistryErrors.schemaNotFound(entry.id);
      let type = this.parsedById.get(entry.id);
      if (!type) {
        type = parseSchema(stored.schema, stored.schemaType, this.dependencies(stored.references)).type;
        this.parsedById.set(entry.id, type);
      }
      return { version: entry.version, canonical: stored.schema, type };
    });
  }

  /** Validates a request body carrying a schema and parses the schema (42201 / 422 on a bad one). */
  parseBody(body: unknown): ParsedSchema {
    const request = readSchemaBody(body);
    const references = request.references ?? [];
    return parseSchema(request.schema, request.schemaType ?? 'AVRO', this.dependencies(references), references);
  }

  /**
   * The schema texts that references resolve to, each after its own dependencies and each once, so that
   * parsing them in order into one registry of named types defines every type before its use.
   */
  private dependencies(references: SchemaReference[], resolved = new Map<number, string>(), path: number[] = []): string[] {
    for (const reference of references) {
      const entry = this.state.versions(reference.subject).find((candidate) => candidate.version === reference.version);
      const stored = entry && this.state.schemaById(entry.id);
      if (!stored) {
        throw RegistryErrors.invalidSchema(`reference '${reference.name}' names ${reference.subject} version ${reference.version}, which is not registered; register it first`);
      }
      if (resolved.has(stored.id) || path.includes(stored.id)) continue;
      this.dependencies(stored.references, resolved, [...path, stored.id]);
      resolved.set(stored.id, stored.schema);
    }
    return [...resolved.values()];
  }

  private refuseIfReferenced(subject: string, version: number): void {
    if (this.state.referencingIds(subject, version).length > 0) throw RegistryErrors.referenceExists(subject, version);
  }

  private softDeleteRecord(subject: string, entry: VersionEntry): LogRecord {
    const stored = this.state.schemaById(entry.id);
    if (!stored) throw RegistryErrors.schemaNotFound(entry.id);
    return { kind: 'schema', key: schemaKey(subject, entry.version), value: { subject, version: entry.version, id: entry.id, ...schemaFields(stored), deleted: true } };
  }

  /** Runs writes of this instance one at a time; a failed write does not block the next. */
  private serialised<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write, write);
    this.writes = result.catch(() => undefined);
    return result;
  }
}
