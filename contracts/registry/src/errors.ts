/**
 * The registry's one error catalogue. Codes, HTTP statuses and message wording follow Confluent Schema
 * Registry's `Errors` so that clients written against Confluent (they switch on `error_code`) behave the
 * same against Fieldmesh. Every failure the API reports is a `RegistryError` built by one of these factories.
 */
export class RegistryError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryError';
  }

  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** Incompatible schema: carries the differences so callers can show them (409, error_code 409 as Confluent). */
export class SchemaIncompatibleError extends RegistryError {
  constructor(
    readonly subject: string,
    readonly level: string,
    readonly differences: string[],
  ) {
    super(
      409,
      409,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${differences.join(', ')}]. ` +
        `Make the change ${level}-compatible (e.g. give new fields a default) or change the subject's compatibility level with PUT /config/${subject}.`,
    );
    this.name = 'SchemaIncompatibleError';
  }
}

const VALID_VERSION_HINT = 'Allowed values are between [1, 2^31-1] and the string "latest"';

export const RegistryErrors = {
  subjectNotFound: (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number) => new RegistryError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (id?: number | string) =>
    new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(
      404,
      40405,
      `Subject '${subject}' was not deleted first before being permanently deleted. Soft-delete it first (DELETE without permanent=true).`,
    ),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      404,
      40406,
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      404,
      40407,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted. Soft-delete it first (DELETE without permanent=true).`,
    ),
  subjectLevelCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(
      404,
      40408,
      `Subject '${subject}' does not have subject-level compatibility configured. Use ?defaultToGlobal=true to get the global level.`,
    ),
  invalidSchema: (detail: string, cause?: unknown) =>
    new RegistryError(422, 42201, `Invalid schema: ${detail}`, { cause }),
  unsupportedSchemaType: (schemaType: string) =>
    new RegistryError(
      422,
      42201,
      `Invalid schema: unsupported schema type '${schemaType}'. This registry supports AVRO only; point Fieldmesh at Confluent or Karapace for JSON Schema and Protobuf.`,
    ),
  referenceExists: (subject: string, version: number) =>
    new RegistryError(
      422,
      42206,
      `One or more references exist to the schema {subject=${subject},version=${version}}. Delete the schemas that reference it first.`,
    ),
  invalidVersion: (version: string) =>
    new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. ${VALID_VERSION_HINT}`),
  invalidCompatibilityLevel: (level: unknown) =>
    new RegistryError(
      422,
      42203,
      `Invalid compatibility level '${String(level)}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  unprocessable: (detail: string) => new RegistryError(422, 422, `Unprocessable entity: ${detail}`),
  malformedRequest: (detail: string) => new RegistryError(400, 400, `Malformed request: ${detail}`),
  routeNotFound: (method: string, path: string) => new RegistryError(404, 404, `HTTP 404 Not Found: ${method} ${path}`),
  storeError: (detail: string, cause?: unknown) =>
    new RegistryError(
      500,
      50001,
      `Error while storing the schema in the backend Kafka store: ${detail}. Check that the Kafka brokers are reachable and retry.`,
      { cause },
    ),
  storeTimeout: (detail: string, cause?: unknown) =>
    new RegistryError(500, 50002, `Operation timed out: ${detail}. The Kafka store did not answer in time; retry.`, {
      cause,
    }),
} as const;
