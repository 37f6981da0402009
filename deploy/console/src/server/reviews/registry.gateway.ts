import { RegistryClient } from '@fieldmesh/governance';
import { UpstreamFailed } from '../errors';

export interface RegistryAnswer {
  status: number;
  body: unknown;
}

/** The registry's contract version list entry (`GET /contracts`). */
export interface RegistryContractSummary {
  id: string;
  versions: { version: string; status: string; proposalId: string | null }[];
}

/**
 * The schema registry as the console uses it: schema lookups through the platform's RegistryClient, and the
 * review API (`/contracts/...`) forwarded with the caller's Authorization header, so the registry judges the
 * caller's role itself and its answer (also a 403 or 422) reaches the UI unchanged.
 */
export class RegistryGateway {
  readonly schemas: RegistryClient;
  private readonly baseUrl: string;

  constructor(
    registryUrl: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.baseUrl = registryUrl.replace(/\/+$/, '');
    this.schemas = new RegistryClient(this.baseUrl, { timeoutMs });
  }

  async forward(method: 'GET' | 'POST', path: string, authorization: string | undefined, body?: unknown): Promise<RegistryAnswer> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(authorization ? { authorization } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new UpstreamFailed(
        'The schema registry',
        `${method} ${url} did not answer (${cause instanceof Error ? cause.message : String(cause)}); check that it runs at ${this.baseUrl}`,
        { cause },
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: passed on as text
    }
    return { status: response.status, body: parsed };
  }

  /** The contract versions the registry's review log knows; empty when the registry is not governed (no /contracts). */
  async contracts(authorization: string | undefined): Promise<RegistryContractSummary[]> {
    const answer = await this.forward('GET', '/contracts', authorization);
    if (answer.status === 404 || answer.status === 401) return [];
    if (answer.status !== 200 || !Array.isArray(answer.body))
      throw new UpstreamFailed('The schema registry', `GET /contracts answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body as RegistryContractSummary[];
  }
}
