import { registryAuthFromEnv } from '@fieldmesh/config';
import { RegistryRequestFailed } from './provision.errors';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface RegisteredSchema {
  id: number;
  version: number;
  /** The schema text as the registry stores it. */
  schema: string;
}

/**
 * HTTP basic credentials for a registry that checks who writes (Confluent's `basic.auth.user.info`; a
 * governed Fieldmesh registry takes a token as the password).
 */
export interface RegistryAuth {
  username: string;
  password: string;
}

/** The registry's answer to a request it refused, as Confluent-compatible registries send it. */
interface RegistryAnswer {
  status: number;
  /** Confluent's error_code and message when the registry refused; undefined on success or a body without them. */
  errorCode?: number | undefined;
  message?: string | undefined;
  body: unknown;
}

/**
 * The few Confluent Schema Registry REST calls that provisioning and drift checks need: subject
 * compatibility, lookup, latest version and registration. Works against any compatible registry.
 */
export class RegistryClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly authorization: Record<string, string>;

  constructor(registryUrl: string, options: { timeoutMs?: number; auth?: RegistryAuth } = {}) {
    this.baseUrl = registryUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // A governed registry takes writes with a token: the given credentials, else FIELDMESH_REGISTRY_TOKEN's.
    const auth = options.auth ?? registryAuthFromEnv('fieldmesh-provisioning');
    this.authorization = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  }

  /** The subject's own compatibility level, or null when it follows the global one. */
  async subjectCompatibility(subject: string): Promise<string | null> {
    const answer = await this.request('GET', `/config/${encodeURIComponent(subject)}`, undefined, [40401, 40408]);
    return answer.status === 200 ? String((answer.body as { compatibilityLevel: string }).compatibilityLevel) : null;
  }

  async globalCompatibility(): Promise<string> {
    const answer = await this.request('GET', '/config');
    return String((answer.body as { compatibilityLevel: string }).compatibilityLevel);
  }

  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** The version under which the subject holds exactly this schema, or null. */
  async lookup(subject: string, schema: string): Promise<RegisteredSchema | null> {
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema }, [40401, 40403]);
    return answer.status === 200 ? (answer.body as RegisteredSchema) : null;
  }

  /** The subject's latest version, or null when the subject has none. */
  async latest(subject: string): Promise<RegisteredSchema | null> {
    const answer = await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`, undefined, [40401, 40402]);
    return answer.status === 200 ? (answer.body as RegisteredSchema) : null;
  }

  /** Registers the schema (the registry answers the existing id for a schema it holds). 409 means incompatible. */
  async register(subject: string, schema: string): Promise<{ id: number } | { incompatible: string }> {
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }, [409]);
    if (answer.status === 409) return { incompatible: answer.message ?? 'incompatible' };
    return { id: (answer.body as { id: number }).id };
  }

  /** Sends a request; answers whose error_code is in `expected` are returned, other failures thrown. */
  private async request(method: string, path: string, body?: unknown, expected: number[] = []): Promise<RegistryAnswer> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: CONTENT_TYPE, ...this.authorization, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new RegistryRequestFailed(method, url, undefined, undefined, cause instanceof Error ? cause.message : String(cause), { cause });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): kept as text for the message.
    }
    if (response.ok) return { status: response.status, body: parsed };
    const error = (parsed ?? {}) as { error_code?: number; message?: string };
    const answer = { status: response.status, errorCode: error.error_code, message: error.message, body: parsed };
    if (error.error_code !== undefined && expected.includes(error.error_code)) return answer;
    throw new RegistryRequestFailed(method, url, response.status, error.error_code, error.message ?? (text.slice(0, 300) || response.statusText));
  }
}
