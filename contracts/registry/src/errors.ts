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

/**
 * Codes Fieldmesh adds for request checks, authentication and the contract lifecycle. 415 is what Confluent
 * (Jersey) answers for a media type it does not consume; Confluent does not check Host, so 421 is ours, with
 * the HTTP status as error_code as Confluent does for its generic errors. 40101 and 40301 are Confluent's RBAC
 * codes and 42205 is Confluent's "operation not permitted"; the others sit in ranges Confluent leaves unused
 * (404 7x, 409 7x, 422 7x) so that a client switching on Confluent's codes never mistakes one for another:
 *   415 a request body that is not declared as JSON   421 a Host header the registry does not answer for
 *   40101 no or invalid token on a protected endpoint   40301 the token's role or domains do not allow it
 *   40470 contract not found   40471 contract version not found   40472 proposal not found
 *   40970 the lifecycle step conflicts with the contract's state (open proposal, not newer, already decided…)
 *   42205 schema of a governed subject is not approved   42270 invalid contract or schema in a review request
 *   42271 a comment is required (reject, deprecate, retire, emergency override)
 */
export interface DeniedPrincipal {
  name: string;
  role: string;
}

const VALID_VERSION_HINT = 'Allowed values are between [1, 2^31-1] and the string "latest"';

export const RegistryErrors = {
  subjectNotFound: (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number) => new RegistryError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (id?: number | string) => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) => new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted. Soft-delete it first (DELETE without permanent=true).`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      404,
      40407,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted. Soft-delete it first (DELETE without permanent=true).`,
    ),
  subjectLevelCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured. Use ?defaultToGlobal=true to get the global level.`),
  invalidSchema: (detail: string, cause?: unknown) => new RegistryError(422, 42201, `Invalid schema: ${detail}`, { cause }),
  unsupportedSchemaType: (schemaType: string) =>
    new RegistryError(
      422,
      42201,
      `Invalid schema: unsupported schema type '${schemaType}'. This registry supports AVRO only; point Fieldmesh at Confluent or Karapace for JSON Schema and Protobuf.`,
    ),
  referenceExists: (subject: string, version: number) =>
    new RegistryError(422, 42206, `One or more references exist to the schema {subject=${subject},version=${version}}. Delete the schemas that reference it first.`),
  invalidVersion: (version: string) => new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. ${VALID_VERSION_HINT}`),
  invalidCompatibilityLevel: (level: unknown) =>
    new RegistryError(
      422,
      42203,
      `Invalid compatibility level '${String(level)}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  unprocessable: (detail: string) => new RegistryError(422, 422, `Unprocessable entity: ${detail}`),
  malformedRequest: (detail: string) => new RegistryError(400, 400, `Malformed request: ${detail}`),
  routeNotFound: (method: string, path: string) => new RegistryError(404, 404, `HTTP 404 Not Found: ${method} ${path}`),
  unsupportedMediaType: (contentType: string | undefined, [preferred, ...alsoAccepted]: readonly string[]) =>
    new RegistryError(
      415,
      415,
      `HTTP 415 Unsupported Media Type: ${contentType === undefined ? 'a request body without a Content-Type' : `Content-Type '${contentType}'`} is not accepted. ` +
        `Send the body as JSON with Content-Type ${preferred} (also accepted: ${alsoAccepted.join(', ')}).`,
    ),
  misdirectedHost: (host: string, allowed: readonly string[]) =>
    new RegistryError(
      421,
      421,
      `HTTP 421 Misdirected Request: this registry does not answer for host '${host}' (a guard against DNS rebinding); it answers for ${allowed.join(', ')}. ` +
        `If clients reach it by that name, add it to allowedHosts (FIELDMESH_REGISTRY_ALLOWED_HOSTS, comma-separated).`,
    ),
  unauthorized: (detail: string) => new RegistryError(401, 40101, `Unauthorized: ${detail}. Send 'Authorization: Bearer <token>' (or basic auth with the token as password).`),
  forbidden: (principal: DeniedPrincipal, action: string, target: string) =>
    new RegistryError(403, 40301, `User ${principal.name} (role ${principal.role}) is denied operation ${action} on ${target}`),
  contractNotFound: (contractId: string) =>
    new RegistryError(404, 40470, `Contract '${contractId}' not found. Propose it with 'fieldmesh contracts propose' or baseline it with POST /contracts/baseline.`),
  contractVersionNotFound: (contractId: string, version: string) =>
    new RegistryError(404, 40471, `Contract '${contractId}' has no version ${version}. GET /contracts/${contractId} lists its versions.`),
  proposalNotFound: (proposalId: string) => new RegistryError(404, 40472, `Proposal '${proposalId}' not found. GET /contracts/proposals lists the proposals.`),
  lifecycleConflict: (detail: string) => new RegistryError(409, 40970, `Contract lifecycle conflict: ${detail}`),
  schemaNotApproved: (subject: string, reason: string) =>
    new RegistryError(422, 42205, `Schema for subject '${subject}' is not approved: ${reason}. Propose a new version with 'fieldmesh contracts propose'.`),
  invalidReviewRequest: (detail: string, cause?: unknown) => new RegistryError(422, 42270, `Invalid review request: ${detail}`, { cause }),
  commentRequired: (step: string) => new RegistryError(422, 42271, `A comment is required to ${step}: say why, it is kept in the audit log. Send {"comment": "..."}.`),
  storeError: (detail: string, cause?: unknown) =>
    new RegistryError(500, 50001, `Error while storing the schema in the backend Kafka store: ${detail}. Check that the Kafka brokers are reachable and retry.`, { cause }),
  storeTimeout: (detail: string, cause?: unknown) =>
    new RegistryError(500, 50002, `Operation timed out: ${detail}. The Kafka store did not answer in time; retry.`, {
      cause,
    }),
} as const;

/**
 * The registry was asked to listen beyond this machine while it runs open: anyone who reaches the address
 * could register, delete and reconfigure schemas. Thrown at start, before anything listens.
 */
export class UnauthenticatedNetworkBind extends Error {
  override readonly name = 'UnauthenticatedNetworkBind';
  constructor(readonly host: string) {
    super(
      `Refusing to listen on ${host} without authentication: anyone who reaches that address could register, delete and reconfigure schemas. ` +
        'Set governance.tokensFile (FIELDMESH_REGISTRY_TOKENS_FILE) so that writes need a token, or listen on a loopback address with host ' +
        '(FIELDMESH_REGISTRY_HOST=127.0.0.1). To run open on the network anyway (a lab, or behind a proxy that authenticates), set ' +
        'allowUnauthenticatedNetworkBind: true (FIELDMESH_REGISTRY_ALLOW_UNAUTHENTICATED_NETWORK_BIND=true).',
    );
  }
}
