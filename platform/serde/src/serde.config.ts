import { z } from 'zod';

const MIB = 1024 * 1024;

/** Bounds on what one record may make the decoder do. Hostile bytes fail at these, not at memory. */
export const decodeLimitsSchema = z.strictObject({
  maxPayloadBytes: z
    .number()
    .int()
    .positive()
    .default(8 * MIB)
    .describe('Largest record value accepted, header included, in bytes. Example: 8388608 (8 MiB).'),
  maxCollectionItems: z.number().int().positive().default(1_000_000).describe('Most array items plus map entries in one record, all collections together. Example: 1000000.'),
  maxDepth: z.number().int().positive().default(64).describe('Deepest nesting of records, arrays and maps in one record. Example: 64.'),
});

export type DecodeLimits = z.output<typeof decodeLimitsSchema>;

/** An Avro schema as parsed JSON, as `writerFor` takes it. */
const avroSchemaJson = z.custom<object>((value) => typeof value === 'object' && value !== null, 'must be an Avro schema: parsed JSON or its text');

export const avroSerdeConfigSchema = z.strictObject({
  registryUrl: z.url().describe('Base URL of a Confluent-compatible schema registry. Example: http://127.0.0.1:8081'),
  clientId: z.string().min(1).default('fieldmesh-serde').describe('Sent to the registry as the client id.'),
  basicAuth: z
    .strictObject({ username: z.string().min(1), password: z.string() })
    .optional()
    .describe(
      'HTTP basic credentials for registries that need them (Confluent Cloud: API key and secret; a governed Fieldmesh registry: any user name and a token as password). When absent, a token in FIELDMESH_REGISTRY_TOKEN is sent this way.',
    ),
  autoRegister: z.boolean().default(true).describe('Register a writer schema that the subject does not have yet; when false, such a schema is an error.'),
  compatibility: z
    .enum(['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'])
    .default('BACKWARD')
    .describe(
      "The compatibility level a subject is expected to have when auto-registering; the registry client refuses to register under a subject configured otherwise. The serde never changes a subject's level: contracts own it.",
    ),
  unknownSchemaIdCacheMs: z
    .number()
    .int()
    .nonnegative()
    .default(10_000)
    .describe('How long an id the registry did not know is answered from memory, so that a flood of bad ids costs one request each. Example: 10000.'),
  schemaVersionsRefreshMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe(
      "How long the registry's answer to which subject versions hold a schema id is reused. Within this time a schema id newly registered under a topic's subject is trusted, and a deleted version stops being trusted. Example: 30000.",
    ),
  contractSchemas: z
    .record(z.string().min(1), z.array(z.union([z.string().min(1), avroSchemaJson])).min(1))
    .default({})
    .describe(
      "Topic → the Avro schemas the consumer's contract pins for it (the contract's .avsc, and earlier versions' schemas if older records must still be read). On such a topic a record is decoded only when its schema id is one of theirs under the topic's subject. Example: { \"plant.telemetry.raw.v1\": [<RawReading.avsc as JSON>] }.",
    ),
  limits: decodeLimitsSchema.prefault({}),
});

export type AvroSerdeConfig = z.output<typeof avroSerdeConfigSchema>;
export type AvroSerdeOptions = z.input<typeof avroSerdeConfigSchema>;
