/** A version of a subject, as the registry names it. */
export interface SubjectVersion {
  subject: string;
  version: number;
}

/** Where the registry holds a schema id: the subject versions that use it, or 'unknown' (40403). */
export type IdRegistration = readonly SubjectVersion[] | 'unknown';

/** A registry answer that says nothing about the id (network, 5xx, auth): the caller retries later. */
export class RegistryRequestError extends Error {
  override readonly name = 'RegistryRequestError';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** A registry that does not answer within this is treated as down: the batch is retried. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `GET /schemas/ids/{id}/versions` (Confluent Schema Registry, also Karapace, Apicurio's ccompat API and
 * contracts/registry): every subject version holding the id. The registry client we use has no call for it.
 */
export async function fetchIdRegistration(registryUrl: string, schemaId: number, basicAuth?: { username: string; password: string }): Promise<IdRegistration> {
  const url = `${registryUrl.replace(/\/+$/, '')}/schemas/ids/${schemaId}/versions`;
  const authorization = basicAuth ? { authorization: `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}` } : {};
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: CONTENT_TYPE, ...authorization }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (cause) {
    throw new RegistryRequestError(`GET ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, { cause });
  }
  const text = await response.text();
  const body = parseJson(text);
  if (response.status === 404 && (body as { error_code?: unknown } | undefined)?.error_code === 40403) return 'unknown';
  if (!response.ok) throw new RegistryRequestError(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`, response.status);
  if (!Array.isArray(body) || !body.every(isSubjectVersion)) {
    throw new RegistryRequestError(`GET ${url} answered something other than a list of subject versions: ${text.slice(0, 300)}`, response.status);
  }
  return body.map(({ subject, version }) => ({ subject, version }));
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's error page: the status says what happened.
    return undefined;
  }
}

function isSubjectVersion(entry: unknown): entry is SubjectVersion {
  const candidate = entry as Partial<SubjectVersion> | null;
  return typeof candidate?.subject === 'string' && typeof candidate.version === 'number';
}
