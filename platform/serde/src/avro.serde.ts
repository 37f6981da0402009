import { loadConfig, registryAuthFromEnv } from '@fieldmesh/config';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { AvroCodec } from './avro.codec';
import { createAvroType, avroTypeOptions } from './avro-type.factory';
import { ContractSchemaIds } from './contract-schemas';
import {
  SchemaNotInContract,
  SchemaNotInSubject,
  SchemaNotRegistered,
  SchemaRegistryUnavailable,
  SchemaRejected,
  type SerdeErrorContext,
  UnknownSchemaId,
  UnsupportedSchemaType,
} from './errors';
import { type AvroSerdeConfig, type AvroSerdeOptions, avroSerdeConfigSchema } from './serde.config';
import { isVersionOf, SubjectVersionsCache } from './subject-versions.cache';
import { fetchIdRegistration } from './subject-versions.request';
import { frame, unframe } from './wire-format';

/** Which part of a record a schema describes; it picks the subject (TopicNameStrategy). */
export type RecordPart = 'key' | 'value';

/** `<topic>-value` or `<topic>-key`: Confluent's TopicNameStrategy. */
export function subjectFor(topic: string, part: RecordPart = 'value'): string {
  return `${topic}-${part}`;
}

/** A schema registered for a topic, ready to encode with and no registry round trip per record. */
export interface WriterSchema {
  readonly topic: string;
  readonly subject: string;
  readonly schemaId: number;
  readonly codec: AvroCodec;
}

/** Where the bytes to decode came from: the topic names the only subject whose versions are trusted. */
export interface DecodeContext {
  topic: string;
}

export interface Decoded<T> {
  schemaId: number;
  value: T;
}

/** A few distinct bad ids per second is a broken producer; beyond this many, forget the oldest. */
const MAX_REMEMBERED_IDS = 10_000;

/**
 * Avro in the Confluent wire format through a Confluent-compatible schema registry, with schemas cached
 * by id and by subject so that encoding and decoding make no registry request per record.
 *
 * Values: `long` ↔ bigint (safe-integer numbers also accepted on encode), `timestamp-millis` ↔ Date
 * (epoch-millisecond numbers also accepted on encode), `decimal` ↔ string such as "12.50", unions as
 * avsc's default (unwrapped unless ambiguous). Decoding trusts a schema id only when the registry
 * holds it as a version of the topic's subject (and, with `contractSchemas`, as one of the contract's
 * schemas), asking again every `schemaVersionsRefreshMs`. Decoding rejects hostile bytes with a `DecodeError`
 * before avsc allocates anything for them (see body.validator.ts and `limits`).
 */
export class AvroSerde {
  readonly config: AvroSerdeConfig;
  private readonly registry: SchemaRegistry;
  private readonly codecsById = new Map<number, AvroCodec>();
  private readonly pendingCodecs = new Map<number, Promise<AvroCodec>>();
  private readonly unknownIdsUntil = new Map<number, number>();
  private readonly writers = new Map<string, Promise<WriterSchema>>();
  private readonly subjectVersions: SubjectVersionsCache;
  private readonly contractIds: ContractSchemaIds;

  constructor(
    options: AvroSerdeOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.config = loadConfig(avroSerdeConfigSchema, options, 'Avro serde options');
    const { registryUrl, clientId, schemaVersionsRefreshMs, unknownSchemaIdCacheMs } = this.config;
    // A governed registry takes writes with a token: the configured credentials, else FIELDMESH_REGISTRY_TOKEN's.
    const basicAuth = this.config.basicAuth ?? registryAuthFromEnv(clientId);
    this.registry = new SchemaRegistry(
      { host: registryUrl, clientId, ...(basicAuth ? { auth: basicAuth } : {}) },
      // The registry client builds the writer types it fetches: with our longs and logical types.
      { [SchemaType.AVRO]: avroTypeOptions() },
    );
    this.subjectVersions = new SubjectVersionsCache(
      (schemaId) => fetchIdRegistration(registryUrl, schemaId, basicAuth),
      schemaVersionsRefreshMs,
      unknownSchemaIdCacheMs,
      MAX_REMEMBERED_IDS,
      clock,
    );
    this.contractIds = new ContractSchemaIds(this.config.contractSchemas, (subject, schemaText) => this.lookupId(subject, schemaText), schemaVersionsRefreshMs, clock);
  }

  /**
   * The registered id of `schema` under the topic's subject, looked up (and registered when the subject
   * lacks it and `autoRegister` is on) once per subject and schema.
   */
  writerFor(topic: string, schema: object, part: RecordPart = 'value'): Promise<WriterSchema> {
    const subject = subjectFor(topic, part);
    const schemaText = JSON.stringify(schema);
    const key = `${subject}\n${schemaText}`;
    let writer = this.writers.get(key);
    if (!writer) {
      writer = this.registerWriter(topic, subject, schemaText);
      this.writers.set(key, writer);
      // A failure is not cached: the next call asks the registry again.
      writer.catch(() => this.writers.delete(key));
    }
    return writer;
  }

  /** The subject's latest registered schema (Confluent's use.latest.version). Asks the registry each call. */
  async latestWriterFor(topic: string, part: RecordPart = 'value'): Promise<WriterSchema> {
    const subject = subjectFor(topic, part);
    const context = { topic };
    let schemaId: number;
    try {
      schemaId = await this.registry.getLatestSchemaId(subject);
    } catch (error) {
      if (statusOf(error) === 404) throw new SchemaNotRegistered(subject, context, { cause: error });
      throw this.unavailable(`latest version of ${subject}`, error, context);
    }
    return { topic, subject, schemaId, codec: await this.codecFor(schemaId, { ...context, schemaId }) };
  }

  /** The record bytes: magic byte, schema id, Avro body. Throws RecordInvalid naming each bad field. */
  encode(writer: WriterSchema, value: unknown): Buffer {
    return frame(writer.schemaId, writer.codec.encode(value, { topic: writer.topic, schemaId: writer.schemaId }));
  }

  /**
   * Decodes record bytes with the writer schema their id names, once the id is known to be a registered
   * version of the topic's subject (and, with `contractSchemas` for the topic, one the contract pins).
   * Throws a DecodeError for bytes that can never decode or that carry an untrusted id (route the record
   * to the DLQ) and SchemaRegistryUnavailable when the registry cannot answer (retry the batch).
   */
  async decode<T = unknown>(bytes: Buffer, context: DecodeContext): Promise<Decoded<T>> {
    const { schemaId, body } = unframe(bytes, this.config.limits.maxPayloadBytes, context);
    const withId = { topic: context.topic, schemaId };
    if (!this.isTrustedCached(withId)) await this.checkTrusted(withId);
    const codec = this.codecsById.get(schemaId) ?? (await this.codecFor(schemaId, withId));
    return { schemaId, value: codec.decode(body, withId) as T };
  }

  /** The per-record path: answered from memory while the registry's answers are fresh. */
  private isTrustedCached({ topic, schemaId }: { topic: string; schemaId: number }): boolean {
    return this.subjectVersions.isVersionOfCached(schemaId, subjectFor(topic)) && this.contractIds.allowsCached(topic, schemaId);
  }

  /**
   * Trusting whatever id a record carries would let anyone who can register a schema under any subject
   * (or reuse another subject's id) write to any topic; only the topic's subject is governed for it.
   */
  private async checkTrusted(context: { topic: string; schemaId: number }): Promise<void> {
    const { topic, schemaId } = context;
    const subject = subjectFor(topic);
    // Confluent ids are positive; anything else cannot be in any registry and needs no request.
    if (schemaId <= 0) throw new UnknownSchemaId(this.config.registryUrl, context);
    let registration;
    try {
      registration = await this.subjectVersions.registrationFor(schemaId, subject);
    } catch (error) {
      throw this.unavailable(`subject versions of schema ${schemaId}`, error, context);
    }
    if (registration === 'unknown') throw new UnknownSchemaId(this.config.registryUrl, context);
    if (!isVersionOf(registration, subject)) {
      throw new SchemaNotInSubject(
        subject,
        registration.map((version) => `${version.subject}/${version.version}`),
        context,
      );
    }
    let verdict;
    try {
      verdict = await this.contractIds.allows(topic, subject, schemaId);
    } catch (error) {
      throw this.unavailable(`lookup of the contract's schemas under ${subject}`, error, context);
    }
    const { allowed, allowedIds } = verdict;
    if (!allowed) throw new SchemaNotInContract(subject, allowedIds, context);
  }

  /** The id of the schema text under the subject, or null when the subject does not hold it; other failures are thrown as they are. */
  private async lookupId(subject: string, schemaText: string): Promise<number | null> {
    try {
      return await this.registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: schemaText });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async registerWriter(topic: string, subject: string, schemaText: string): Promise<WriterSchema> {
    const context = { topic };
    let type;
    try {
      type = createAvroType(schemaText);
    } catch (error) {
      throw new SchemaRejected(subject, undefined, `not a valid Avro schema: ${messageOf(error)}`, context, { cause: error });
    }
    const schemaId = await this.lookupOrRegister(subject, schemaText, context);
    const codec = new AvroCodec(type, this.config.limits);
    // Our own records then decode without asking the registry for their id.
    if (!this.codecsById.has(schemaId)) this.codecsById.set(schemaId, codec);
    return { topic, subject, schemaId, codec };
  }

  private async lookupOrRegister(subject: string, schemaText: string, context: SerdeErrorContext): Promise<number> {
    const confluentSchema = { type: SchemaType.AVRO, schema: schemaText } as const;
    try {
      return await this.registry.getRegistryIdBySchema(subject, confluentSchema);
    } catch (error) {
      if (!isNotFound(error)) throw this.unavailable(`lookup under ${subject}`, error, context);
    }
    if (!this.config.autoRegister) throw new SchemaNotRegistered(subject, context);
    try {
      const { id } = await this.registry.register(confluentSchema, {
        subject,
        compatibility: this.config.compatibility as COMPATIBILITY,
        // Compatibility levels come from data contracts; the serde must not set them.
        updateConfig: false,
      });
      return id;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 422 || isClientSideRejection(error)) {
        throw new SchemaRejected(subject, status, messageOf(error), context, { cause: error });
      }
      throw this.unavailable(`registration under ${subject}`, error, context);
    }
  }

  private codecFor(schemaId: number, context: SerdeErrorContext & { schemaId: number }): Promise<AvroCodec> {
    const known = this.codecsById.get(schemaId);
    if (known) return Promise.resolve(known);
    const unknownUntil = this.unknownIdsUntil.get(schemaId);
    if (unknownUntil !== undefined && unknownUntil > this.clock()) {
      return Promise.reject(new UnknownSchemaId(this.config.registryUrl, context));
    }
    // Concurrent decodes of a new id share one request.
    let pending = this.pendingCodecs.get(schemaId);
    if (!pending) {
      pending = this.fetchCodec(schemaId, context).finally(() => this.pendingCodecs.delete(schemaId));
      this.pendingCodecs.set(schemaId, pending);
    }
    return pending;
  }

  private async fetchCodec(schemaId: number, context: SerdeErrorContext & { schemaId: number }): Promise<AvroCodec> {
    // Confluent ids are positive; anything else cannot be in any registry and needs no request.
    if (schemaId <= 0) throw new UnknownSchemaId(this.config.registryUrl, context);
    let schema;
    try {
      schema = await this.registry.getSchema(schemaId);
    } catch (error) {
      if (statusOf(error) === 404) {
        this.rememberUnknown(schemaId);
        throw new UnknownSchemaId(this.config.registryUrl, context, { cause: error });
      }
      if (isClientSideRejection(error)) throw new UnsupportedSchemaType(context);
      throw this.unavailable(`schema ${schemaId}`, error, context);
    }
    if (!avro.Type.isType(schema)) throw new UnsupportedSchemaType(context);
    const codec = new AvroCodec(schema as avro.Type, this.config.limits);
    this.codecsById.set(schemaId, codec);
    return codec;
  }

  private rememberUnknown(schemaId: number): void {
    if (this.config.unknownSchemaIdCacheMs === 0) return;
    if (this.unknownIdsUntil.size >= MAX_REMEMBERED_IDS) {
      const oldest = this.unknownIdsUntil.keys().next();
      if (!oldest.done) this.unknownIdsUntil.delete(oldest.value);
    }
    this.unknownIdsUntil.set(schemaId, this.clock() + this.config.unknownSchemaIdCacheMs);
  }

  private unavailable(operation: string, error: unknown, context: SerdeErrorContext): SchemaRegistryUnavailable {
    return new SchemaRegistryUnavailable(this.config.registryUrl, operation, statusOf(error), context, { cause: error });
  }
}

/** HTTP status of a registry client error (mappersmith reports a network failure as 400). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The registry client turns a 404 of a schema lookup into a plain ConfluentSchemaRegistryError. */
function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 || (error instanceof Error && error.name === 'ConfluentSchemaRegistryError');
}

/** Raised by the registry client itself, before or without HTTP, about the schema (bad name, type, level). */
function isClientSideRejection(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ConfluentSchemaRegistryArgumentError' ||
      error.name === 'ConfluentSchemaRegistryCompatibilityError' ||
      error.name === 'ConfluentSchemaRegistryInvalidSchemaError')
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
