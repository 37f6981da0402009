import type { DataContract } from '@fieldmesh/governance';
import type { ProposalAnalysis } from '@fieldmesh/registry';
import { ContractsApiFailed } from './errors';

// The registry's /contracts wire format (contracts/registry review API), as far as the CLI reads it.
export type ProposalStatus = 'proposed' | 'approved' | 'rejected';

export interface ProposalView {
  proposalId: string;
  contractId: string;
  version: string;
  status: ProposalStatus;
  proposedBy: string;
  proposedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  contract: DataContract;
  schema: unknown;
  analysis: ProposalAnalysis;
}

export interface ContractSummaryView {
  id: string;
  domain: string;
  dataProduct: string;
  topic: string;
  subject: string;
  owner: DataContract['owner'];
  versions: { version: string; status: string; proposalId: string | null }[];
}

export interface AuditEventView {
  eventId: string;
  type: string;
  contractId: string;
  version: string;
  proposalId: string | null;
  by: string;
  role: string;
  at: string;
  comment: string | null;
  subject: string;
}

export interface ContractDetailView extends ContractSummaryView {
  history: AuditEventView[];
}

/** Calls the registry's contract lifecycle API with the caller's token (`Authorization: Bearer`). */
export class ContractsApiClient {
  constructor(
    private readonly registryUrl: string,
    private readonly token: string | undefined,
  ) {}

  baseline(contract: DataContract, schema: unknown): Promise<ContractSummaryView> {
    return this.request('POST', '/contracts/baseline', { contract, schema });
  }

  propose(contract: DataContract, schema: unknown): Promise<ProposalView> {
    return this.request('POST', '/contracts/proposals', { contract, schema });
  }

  proposals(status?: ProposalStatus): Promise<ProposalView[]> {
    return this.request('GET', `/contracts/proposals${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  }

  proposal(proposalId: string): Promise<ProposalView> {
    return this.request('GET', `/contracts/proposals/${encodeURIComponent(proposalId)}`);
  }

  approve(proposalId: string, comment: string | undefined): Promise<ProposalView> {
    return this.request('POST', `/contracts/proposals/${encodeURIComponent(proposalId)}/approve`, comment === undefined ? {} : { comment });
  }

  reject(proposalId: string, comment: string): Promise<ProposalView> {
    return this.request('POST', `/contracts/proposals/${encodeURIComponent(proposalId)}/reject`, { comment });
  }

  /** Moves an approved version to `deprecated` or a deprecated one to `retired`. */
  retireStep(step: 'deprecate' | 'retire', contractId: string, version: string, comment: string | undefined): Promise<ContractSummaryView> {
    return this.request('POST', `/contracts/${encodeURIComponent(contractId)}/versions/${encodeURIComponent(version)}/${step}`, comment === undefined ? {} : { comment });
  }

  contracts(): Promise<ContractSummaryView[]> {
    return this.request('GET', '/contracts');
  }

  contract(contractId: string): Promise<ContractDetailView> {
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
