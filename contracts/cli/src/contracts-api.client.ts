import type { DataContract } from '@fieldmesh/governance';
import type { ContractDetail, ContractSummary, Proposal, ProposalStatus } from '@fieldmesh/registry';
import { ContractsApiFailed } from './errors';

/** Calls the registry's contract lifecycle API with the caller's token (`Authorization: Bearer`). */
export class ContractsApiClient {
  constructor(
    private readonly registryUrl: string,
    private readonly token: string | undefined,
  ) {}

  baseline(contract: DataContract, schema: unknown): Promise<ContractSummary> {
    return this.request('POST', '/contracts/baseline', { contract, schema });
  }

  propose(contract: DataContract, schema: unknown): Promise<Proposal> {
    return this.request('POST', '/contracts/proposals', { contract, schema });
  }

  proposals(status?: ProposalStatus): Promise<Proposal[]> {
    return this.request('GET', `/contracts/proposals${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  }

  proposal(proposalId: string): Promise<Proposal> {
    return this.request('GET', `/contracts/proposals/${encodeURIComponent(proposalId)}`);
  }

  decide(decision: 'approve' | 'reject', proposalId: string, comment: string | undefined): Promise<Proposal> {
    return this.request('POST', `/contracts/proposals/${encodeURIComponent(proposalId)}/${decision}`, comment === undefined ? {} : { comment });
  }

  /** Moves an approved version to `deprecated` or a deprecated one to `retired`. */
  retireStep(step: 'deprecate' | 'retire', contractId: string, version: string, comment: string | undefined): Promise<ContractSummary> {
    return this.request('POST', `/contracts/${encodeURIComponent(contractId)}/versions/${encodeURIComponent(version)}/${step}`, comment === undefined ? {} : { comment });
  }

  contracts(): Promise<ContractSummary[]> {
    return this.request('GET', '/contracts');
  }

  contract(contractId: string): Promise<ContractDetail> {
    return this.request('GET', `/contracts/${encodeURIComponent(contractId)}`);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.registryUrl.endsWith('/') ? this.registryUrl : `${this.registryUrl}/`).toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      throw new ContractsApiFailed(method, url, undefined, undefined, cause?.message ?? (error as Error).message, { cause: error });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const failure = (json ?? {}) as { error_code?: unknown; message?: unknown };
      const message = typeof failure.message === 'string' ? failure.message : text || response.statusText;
      throw new ContractsApiFailed(method, url, response.status, typeof failure.error_code === 'number' ? failure.error_code : undefined, message);
    }
    return json as T;
  }
}
