import { RegistryErrors } from '../errors';
import type { RequestCheck } from './request.gate';

/**
 * The request media types Confluent's resources consume (`@Consumes` in its REST resources, `Versions.java`),
 * all read as JSON. `application/octet-stream` is on Confluent's list because JAX-RS assumes it for a body sent
 * without a Content-Type; it is not one a browser may send cross-site without a CORS preflight.
 */
export const ACCEPTED_REQUEST_MEDIA_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
] as const;

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const accepted = new Set<string>(ACCEPTED_REQUEST_MEDIA_TYPES);

/**
 * Refuses (415) a POST, PUT or PATCH whose Content-Type is not one of the accepted types, and a body sent with no
 * Content-Type at all. Unlike Confluent, the latter is refused: a page in an operator's browser can send
 * `text/plain` or a typeless body to a registry on 127.0.0.1 without a CORS preflight, and would otherwise
 * write schemas to an open registry, or approve with credentials the browser remembers.
 */
export const refuseNonJsonBody: RequestCheck = (request) => {
  if (!METHODS_WITH_BODY.has(request.method)) return undefined;
  const contentType = single(request.headers['content-type']);
  if (contentType === undefined) return hasBody(request.headers) ? RegistryErrors.unsupportedMediaType(undefined, ACCEPTED_REQUEST_MEDIA_TYPES) : undefined;
  return accepted.has(mediaTypeOf(contentType)) ? undefined : RegistryErrors.unsupportedMediaType(contentType, ACCEPTED_REQUEST_MEDIA_TYPES);
};

/** `application/json; charset=utf-8` → `application/json`; media types are case-insensitive. */
function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = single(headers['content-length']);
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
