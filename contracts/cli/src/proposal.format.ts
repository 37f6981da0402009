import type { Proposal } from '@fieldmesh/registry';
import { formatTable } from './table.format';

/** One proposal for a reviewer: who proposed it, its decision if any, then the analysis changelog. */
export function formatProposal(proposal: Proposal): string {
  const lines = [
    `Proposal ${proposal.proposalId}: ${proposal.contractId} ${proposal.version} (${proposal.status})`,
    `Proposed by ${proposal.proposedBy} at ${proposal.proposedAt}`,
  ];
  if (proposal.decidedBy)
    lines.push(
      `${proposal.status === 'rejected' ? 'Rejected' : 'Approved'} by ${proposal.decidedBy} at ${proposal.decidedAt ?? '?'}${proposal.comment ? `: "${proposal.comment}"` : ''}`,
    );
  lines.push('', ...proposal.analysis.changelog);
  return lines.join('\n');
}

export function formatProposalTable(proposals: Proposal[]): string {
  if (proposals.length === 0) return 'No proposals.';
  return formatTable(
    ['PROPOSAL', 'CONTRACT', 'VERSION', 'STATUS', 'BREAKING', 'PROPOSED BY', 'PROPOSED AT'],
    proposals.map((p) => [p.proposalId, p.contractId, p.version, p.status, p.analysis.breaking ? `yes (${p.contract.compatibility})` : 'no', p.proposedBy, p.proposedAt]),
  );
}
