import { RegistryErrors, type RegistryError } from '../errors';
import { compareVersions } from './semantic-version';
import type { ContractAuditEvent, ContractRecord, ProposalRecord, VersionRecord } from './review.types';

/** The review state as the rules read it; ReviewState applies an event only when checkEvent allows it. */
export interface LifecycleQueries {
  contract(contractId: string): ContractRecord | undefined;
  contractOfTopic(topic: string): ContractRecord | undefined;
  proposal(proposalId: string): ProposalRecord | undefined;
  proposals(): ProposalRecord[];
  versionsOf(contract: ContractRecord): VersionRecord[];
  latestApproved(contract: ContractRecord): VersionRecord | undefined;
  registrable(contract: ContractRecord): VersionRecord[];
  hasOverride(overrideKey: string): boolean;
}

/** "lead (governance-lead) on 2026-…: "why"", the decision part of lifecycle messages. */
export function describeDecision(event: ContractAuditEvent): string {
  return `${event.by} (${event.role}) on ${event.at}${event.comment ? `: "${event.comment}"` : ''}`;
}

const hasComment = (event: ContractAuditEvent) => (event.comment ?? '').trim() !== '';

function topicClaim(state: LifecycleQueries, event: ContractAuditEvent): RegistryError | undefined {
  const topic = event.contract?.kafka.topic;
  const owner = topic === undefined ? undefined : state.contractOfTopic(topic);
  if (owner && owner.id !== event.contractId) {
    return RegistryErrors.lifecycleConflict(`topic '${topic}' belongs to contract ${owner.id}; contract ${event.contractId} cannot name it too`);
  }
  return undefined;
}

function newerThanApproved(state: LifecycleQueries, event: ContractAuditEvent): RegistryError | undefined {
  const contract = state.contract(event.contractId);
  const latest = contract && state.latestApproved(contract);
  if (latest && compareVersions(event.version, latest.version) <= 0) {
    return RegistryErrors.lifecycleConflict(
      `contract ${event.contractId} version ${event.version} is not newer than its latest approved version ${latest.version}; propose a higher version`,
    );
  }
  return undefined;
}

function requireVersion(state: LifecycleQueries, event: ContractAuditEvent): VersionRecord | RegistryError {
  const contract = state.contract(event.contractId);
  if (!contract) return RegistryErrors.contractNotFound(event.contractId);
  return contract.versions.get(event.version) ?? RegistryErrors.contractVersionNotFound(event.contractId, event.version);
}

/**
 * The lifecycle rules: draft → proposed → approved → deprecated → retired, a rejection sends the version
 * back to draft. Returns why `event` may not follow the current state, or undefined when it may. Used both
 * before writing (to answer the caller) and when applying the log (so racing writers agree on the outcome).
 */
export function checkEvent(state: LifecycleQueries, event: ContractAuditEvent): RegistryError | undefined {
  // The topic may hold records another program wrote: a version event without its contract cannot be applied.
  if ((event.type === 'BASELINED' || event.type === 'PROPOSED') && (typeof event.contract?.kafka?.topic !== 'string' || event.schema === undefined)) {
    return RegistryErrors.invalidReviewRequest(`${event.type} event ${event.eventId} carries no contract or schema`);
  }
  if ((event.type === 'PROPOSED' || event.type === 'APPROVED' || event.type === 'REJECTED') && typeof event.proposalId !== 'string') {
    return RegistryErrors.invalidReviewRequest(`${event.type} event ${event.eventId} names no proposal`);
  }
  switch (event.type) {
    case 'BASELINED': {
      const existing = state.contract(event.contractId)?.versions.get(event.version);
      if (existing) {
        return RegistryErrors.lifecycleConflict(
          `contract ${event.contractId} version ${event.version} already exists (${existing.status}${existing.fingerprint === event.schemaFingerprint ? '' : ', with another schema'}); baseline or propose a new version instead`,
        );
      }
      return topicClaim(state, event);
    }
    case 'PROPOSED': {
      const existing = state.contract(event.contractId)?.versions.get(event.version);
      if (existing?.status === 'proposed') {
        return RegistryErrors.lifecycleConflict(
          `contract ${event.contractId} version ${event.version} already has an open proposal ${existing.proposalId} (proposed by ${describeDecision(existing.decision)}); it must be approved or rejected first`,
        );
      }
      if (existing && existing.status !== 'draft') {
        return RegistryErrors.lifecycleConflict(`contract ${event.contractId} version ${event.version} is already ${existing.status}; propose a higher version`);
      }
      return newerThanApproved(state, event) ?? topicClaim(state, event);
    }
    case 'APPROVED':
    case 'REJECTED': {
      const proposal = state.proposal(event.proposalId!);
      if (!proposal) return RegistryErrors.proposalNotFound(event.proposalId!);
      if (proposal.status !== 'proposed') {
        return RegistryErrors.lifecycleConflict(`proposal ${proposal.proposalId} was already ${proposal.status} by ${describeDecision(proposal.decision!)}`);
      }
      if (event.type === 'REJECTED') return hasComment(event) ? undefined : RegistryErrors.commentRequired('reject a proposal');
      return newerThanApproved(state, event);
    }
    case 'DEPRECATED':
    case 'RETIRED': {
      const version = requireVersion(state, event);
      if (!('status' in version)) return version;
      const allowed = event.type === 'DEPRECATED' ? ['approved'] : ['approved', 'deprecated'];
      if (!allowed.includes(version.status)) {
        return RegistryErrors.lifecycleConflict(
          `contract ${event.contractId} version ${event.version} is ${version.status}; only ${allowed.join(' or ')} versions can be ${event.type.toLowerCase()}`,
        );
      }
      return hasComment(event) ? undefined : RegistryErrors.commentRequired(`${event.type === 'DEPRECATED' ? 'deprecate' : 'retire'} a version`);
    }
    case 'OVERRIDE':
      if (!state.contract(event.contractId)) return RegistryErrors.contractNotFound(event.contractId);
      // A retried override request (or the same request on two instances) is one override.
      if (event.overrideKey !== undefined && state.hasOverride(event.overrideKey)) {
        return RegistryErrors.lifecycleConflict(`the emergency override ${event.overrideKey} of ${event.subject} is audited already`);
      }
      return hasComment(event) ? undefined : RegistryErrors.commentRequired('override governance (the emergency override header carries the reason)');
    case 'REGISTERED':
      return state.contract(event.contractId) ? undefined : RegistryErrors.contractNotFound(event.contractId);
  }
}

/**
 * Why a governed subject refuses a schema that is not an approved version of its contract: the version the
 * schema belongs to and who decided what about it, or that it matches no version at all.
 */
export function notApprovedReason(state: LifecycleQueries, contractId: string, fingerprint: string): string {
  const contract = state.contract(contractId)!;
  const retired = state.versionsOf(contract).find((version) => version.fingerprint === fingerprint && version.status === 'retired');
  if (retired) return `contract ${contractId} version ${retired.version} was retired by ${describeDecision(retired.decision)}`;
  const proposal = state
    .proposals()
    .filter((candidate) => candidate.contractId === contractId && candidate.fingerprint === fingerprint)
    .at(-1);
  if (proposal?.status === 'proposed') {
    return `contract ${contractId} version ${proposal.version} is proposed (${proposal.proposalId} by ${proposal.proposed.by} on ${proposal.proposed.at}) and awaits review by a governance lead`;
  }
  if (proposal?.status === 'rejected') return `contract ${contractId} version ${proposal.version} was rejected by ${describeDecision(proposal.decision!)}`;
  const approved = state.registrable(contract).map((version) => version.version);
  return `it matches no approved version of contract ${contractId} (approved: ${approved.length > 0 ? approved.join(', ') : 'none'})`;
}
