import type { Proposal } from '@fieldmesh/registry';
import type { Page, ProposalStatus, ProposalSummary, ProposalView } from '../../api/types';
import { ConsoleError } from '../errors';
import { listFilter, matchesSearch, paginate, type PageRequest } from '../http/pagination';
import type { RegistryAnswer, RegistryGateway } from './registry.gateway';

const STATUSES: readonly ProposalStatus[] = ['proposed', 'approved', 'rejected'];
const CHANGELOG_LINES = 5;

/** The registry's refusal as the console's own error: same status, its code and message kept. */
function refused(answer: RegistryAnswer, what: string): ConsoleError {
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as { error_code?: unknown; message?: unknown };
  const message = typeof body.message === 'string' ? body.message : `the schema registry answered ${answer.status} to ${what}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  return new ConsoleError(answer.status, message, typeof body.error_code === 'number' ? body.error_code : undefined);
}

function summary(p: Proposal): ProposalSummary {
  return {
    proposalId: p.proposalId,
    contractId: p.contractId,
    version: p.version,
    status: p.status,
    proposedBy: p.proposedBy,
    proposedAt: p.proposedAt,
    decidedBy: p.decidedBy ?? null,
    decidedAt: p.decidedAt ?? null,
    comment: p.comment ?? null,
    breaking: p.analysis?.breaking ?? false,
    changelog: (p.analysis?.changelog ?? []).slice(0, CHANGELOG_LINES),
  };
}

function view(p: Proposal): ProposalView {
  return { ...summary(p), changelog: p.analysis?.changelog ?? [], contract: p.contract, schema: p.schema, analysis: p.analysis };
}

/** The review queue: the registry's proposals (the registry owns the lifecycle), paged and searched here. */
export class ReviewsService {
  constructor(private readonly registry: RegistryGateway) {}

  async list(authorization: string | undefined, status: string | undefined, request: PageRequest): Promise<Page<ProposalSummary>> {
    const statuses = listFilter('status', status, STATUSES);
    // One status goes to the registry as its filter; several are filtered here.
    const query = statuses?.length === 1 ? `?status=${statuses[0]}` : '';
    const answer = await this.registry.forward('GET', `/contracts/proposals${query}`, authorization);
    if (answer.status !== 200 || !Array.isArray(answer.body)) throw refused(answer, 'GET /contracts/proposals');
    const matching = (answer.body as Proposal[])
      .filter(
        (p) =>
          (!statuses || statuses.includes(p.status)) &&
          matchesSearch(request.terms, [p.proposalId, p.contractId, p.version, p.proposedBy, p.status, ...(p.analysis?.changelog ?? [])]),
      )
      .sort((a, b) => b.proposedAt.localeCompare(a.proposedAt));
    const page = paginate(matching, request);
    return { ...page, items: page.items.map(summary) };
  }

  async get(proposalId: string, authorization: string | undefined): Promise<ProposalView> {
    const answer = await this.registry.forward('GET', `/contracts/proposals/${encodeURIComponent(proposalId)}`, authorization);
    if (answer.status !== 200) throw refused(answer, `GET /contracts/proposals/${proposalId}`);
    return view(answer.body as Proposal);
  }

  async decide(proposalId: string, decision: 'approve' | 'reject', body: unknown, authorization: string | undefined): Promise<ProposalView> {
    const comment = (body as { comment?: unknown } | null)?.comment;
    const path = `/contracts/proposals/${encodeURIComponent(proposalId)}/${decision}`;
    const answer = await this.registry.forward('POST', path, authorization, typeof comment === 'string' ? { comment } : {});
    if (answer.status !== 200) throw refused(answer, `POST ${path}`);
    return view(answer.body as Proposal);
  }
}
