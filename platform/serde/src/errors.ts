import { REGISTRY_TOKEN_ENV } from '@fieldmesh/config';
/**
 * Typed errors of the Avro serde. Each has a stable `name` (used as the DLQ's exception class name), a
 * one-line `reason`, and its context as fields.
 *
 * Two families matter to a consumer:
 * - `DecodeError` and its subclasses: the bytes of this record can never be decoded (poison). Send the
 *   record to the DLQ and go on with the next one.
 * - `SchemaRegistryUnavailable`: the registry could not answer. Nothing is wrong with the record; fail the
 *   batch so that it is redelivered once the registry is back.
 */

export interface SerdeErrorContext {
  /** The topic the bytes came from or are for, when known. */
  topic?: string | undefined;
  /** The schema id from the wire format (or the id being encoded with), when known. */
  schemaId?: number | undefined;
}

export abstract class SerdeError extends Error {
  abstract override readonly name: string;
  readonly topic: string | undefined;
  readonly schemaId: number | undefined;

  constructor(
    /** What is wrong, in one line (the DLQ's reason). */
    readonly reason: string,
    message: string,
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.topic = context.topic;
    this.schemaId = context.schemaId;
  }
}

function where(context: SerdeErrorContext): string {
  const parts = [];
  if (context.topic !== undefined) parts.push(`topic ${context.topic}`);
  if (context.schemaId !== undefined) parts.push(`schema id ${context.schemaId}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The bytes of a record cannot be decoded, now or later: route the record to the DLQ. */
export abstract class DecodeError extends SerdeError {}

/** The Confluent framing (magic byte 0, 4-byte schema id) is missing or out of bounds. */
export abstract class WireFormatError extends DecodeError {}

export class UnknownMagicByte extends WireFormatError {
  override readonly name = 'UnknownMagicByte';
  constructor(
    readonly magicByte: number,
    context: SerdeErrorContext,
  ) {
    const reason = `magic byte 0x${magicByte.toString(16).padStart(2, '0')}, expected 0x00`;
    super(
      reason,
      `Record${where(context)} is not in the Confluent wire format: ${reason}. ` +
        'It was written by a producer that does not use a schema registry serializer; fix that producer.',
      context,
    );
  }
}

export class PayloadTooShort extends WireFormatError {
  override readonly name = 'PayloadTooShort';
  constructor(
    readonly length: number,
    context: SerdeErrorContext,
  ) {
    const reason = `payload of ${length} bytes, the wire format needs at least 5 (magic byte and schema id)`;
    super(reason, `Record${where(context)} cannot be decoded: ${reason}. The producer wrote truncated or non-Avro bytes.`, context);
  }
}

export class PayloadTooLarge extends WireFormatError {
  override readonly name = 'PayloadTooLarge';
  constructor(
    readonly length: number,
    readonly maxPayloadBytes: number,
    context: SerdeErrorContext,
  ) {
    const reason = `payload of ${length} bytes exceeds the limit of ${maxPayloadBytes}`;
    super(reason, `Record${where(context)} was not decoded: ${reason}. Raise limits.maxPayloadBytes if such records are legitimate.`, context);
  }
}

/** The registry does not know the schema id of the wire format (Confluent error 40403). */
export class UnknownSchemaId extends DecodeError {
  override readonly name = 'UnknownSchemaId';
  constructor(
    readonly registryUrl: string,
    context: SerdeErrorContext & { schemaId: number },
    options?: { cause?: unknown },
  ) {
    const reason = `schema id ${context.schemaId} is not in the registry (40403)`;
    super(
      reason,
      `Record${where(context)} cannot be decoded: ${reason} at ${registryUrl}. ` +
        "The producer used another registry, or the schema was permanently deleted; point the consumer at the producer's registry.",
      context,
      options,
    );
  }
}

/** The schema id names a schema that is not Avro (JSON Schema or Protobuf). */
export class UnsupportedSchemaType extends DecodeError {
  override readonly name = 'UnsupportedSchemaType';
  constructor(context: SerdeErrorContext & { schemaId: number }) {
    const reason = `schema id ${context.schemaId} is not an Avro schema`;
    super(reason, `Record${where(context)} cannot be decoded: ${reason}. Only Avro is supported on Fieldmesh topics.`, context);
  }
}

/** Subject versions named in a reason: enough to see where an id belongs, short enough for a DLQ header. */
const MAX_NAMED_SUBJECTS = 3;

/**
 * The schema id is in the registry but is not a registered version of the topic's subject
 * (TopicNameStrategy): a producer framed the record with a schema registered elsewhere, so nothing says
 * this topic's owners ever accepted it.
 */
export class SchemaNotInSubject extends DecodeError {
  override readonly name = 'SchemaNotInSubject';
  constructor(
    readonly subject: string,
    /** Where the registry does hold the id, as `subject/version`. */
    readonly registeredUnder: string[],
    context: SerdeErrorContext & { topic: string; schemaId: number },
  ) {
    const elsewhere =
      registeredUnder.length === 0
        ? ''
        : `; it is registered under ${registeredUnder.slice(0, MAX_NAMED_SUBJECTS).join(', ')}${registeredUnder.length > MAX_NAMED_SUBJECTS ? ` and ${registeredUnder.length - MAX_NAMED_SUBJECTS} more` : ''}`;
    const reason = `schema id ${context.schemaId} is not a registered version of subject ${subject} of topic ${context.topic}${elsewhere}`;
    super(
      reason,
      `Record${where(context)} was not decoded: ${reason}. Consumers trust only the versions of their topic's subject; ` +
        `the producer must register its schema under ${subject} (through the topic's contract) and frame its records with that id.`,
      context,
    );
  }
}

/** The schema id is a version of the topic's subject, but not one of the schemas the consumer's contract pins. */
export class SchemaNotInContract extends DecodeError {
  override readonly name = 'SchemaNotInContract';
  constructor(
    readonly subject: string,
    /** The ids of the contract's schemas under the subject; empty while none of them is registered. */
    readonly allowedIds: number[],
    context: SerdeErrorContext & { topic: string; schemaId: number },
  ) {
    const allowed = allowedIds.length > 0 ? `schema id(s) ${allowedIds.join(', ')}` : 'no schema registered yet';
    const reason = `schema id ${context.schemaId} of subject ${subject} (topic ${context.topic}) is not a version the consumer's contract allows (it allows ${allowed})`;
    super(
      reason,
      `Record${where(context)} was not decoded: ${reason}. Produce with the schema the contract pins, ` +
        "or give the consumer the contract version that pins the producer's schema.",
      context,
    );
  }
}

/** The Avro body does not parse with the writer schema: truncated, trailing bytes, or garbage. */
export class MalformedAvroBody extends DecodeError {
  override readonly name = 'MalformedAvroBody';
  constructor(
    reason: string,
    /** Byte offset in the Avro body (after the 5-byte header) where decoding failed. */
    readonly offset: number,
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    super(
      reason,
      `Record${where(context)} has a malformed Avro body: ${reason} at body offset ${offset}. ` +
        'The bytes were corrupted or written with a different schema than the id says; inspect the producer.',
      context,
      options,
    );
  }
}

/** Decoding stopped at a configured limit, so that hostile input cannot exhaust memory or stack. */
export class DecodeLimitExceeded extends DecodeError {
  override readonly name = 'DecodeLimitExceeded';
  constructor(
    readonly limit: 'maxCollectionItems' | 'maxDepth',
    readonly value: number,
    context: SerdeErrorContext,
  ) {
    const reason = `more than ${limit}=${value}`;
    super(reason, `Record${where(context)} was not decoded: it declares ${reason}. Raise limits.${limit} if such records are legitimate.`, context);
  }
}

/** A value does not match the schema it is encoded with; `paths` lists each offending field path. */
export class RecordInvalid extends SerdeError {
  override readonly name = 'RecordInvalid';
  constructor(
    readonly paths: string[],
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    const reason = `invalid field(s): ${paths.length > 0 ? paths.join(', ') : '(root)'}`;
    super(reason, `Value${where(context)} does not match its schema: ${reason}. Fix the value or the schema.`, context, options);
  }
}

/** The schema is not registered under the subject and auto-registration is off. */
export class SchemaNotRegistered extends SerdeError {
  override readonly name = 'SchemaNotRegistered';
  constructor(
    readonly subject: string,
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    const reason = `schema not registered under subject ${subject}`;
    super(reason, `Cannot encode${where(context)}: ${reason} and autoRegister is off. Register it from its contract first.`, context, options);
  }
}

/** The registry refused the schema: not valid Avro (42201) or incompatible with the subject (409). */
export class SchemaRejected extends SerdeError {
  override readonly name = 'SchemaRejected';
  constructor(
    readonly subject: string,
    readonly status: number | undefined,
    detail: string,
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    const reason = `schema rejected for subject ${subject}: ${detail}`;
    super(reason, `${reason}. Fix the schema so that it is valid and compatible with the subject's versions (see its contract).`, context, options);
  }
}

/** The registry did not answer usefully (network, 5xx, auth). Retry later; the record is fine. */
export class SchemaRegistryUnavailable extends SerdeError {
  override readonly name = 'SchemaRegistryUnavailable';
  constructor(
    readonly registryUrl: string,
    readonly operation: string,
    readonly status: number | undefined,
    context: SerdeErrorContext,
    options?: { cause?: unknown },
  ) {
    const reason = `registry ${operation} failed${status !== undefined ? ` with HTTP ${status}` : ''}`;
    // 401/403: the registry runs governed and did not take this client's token; retrying helps once someone fixes it.
    const fix =
      status === 401 || status === 403
        ? `Give the client a token the registry accepts for this (the serde's basicAuth, or ${REGISTRY_TOKEN_ENV}); the batch will be retried.`
        : 'Check that the registry is up and reachable; the batch will be retried.';
    super(reason, `${reason} at ${registryUrl}${where(context)}: ${messageOf(options?.cause)}. ${fix}`, context, options);
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
