import type { RegistryError } from '../errors';
import { checkEvent, type LifecycleQueries } from './lifecycle.rules';
import { compareVersions } from './semantic-version';
import type { ContractAuditEvent, ContractRecord, ContractVersionStatus, ProposalRecord, VersionRecord } from './review.types';

/** Versions whose schema may be registered: approved, and deprecated (still produced while consumers move on). */
const REGISTRABLE: readonly ContractVersionStatus[] = ['approved', 'deprecated'];
/** Versions that were approved at some point: a proposal must be newer than all of them. */
const EVER_APPROVED: readonly ContractVersionStatus[] = ['approved', 'deprecated', 'retired'];

/** The value subject of a topic, the one governed mode guards. */
export const valueSubjectOf = (topic: string) => `${topic}-value`;

/**
 * The contract lifecycle as rebuilt from the audit topic. Events apply in log order on every instance
 * alike; an event that breaks a lifecycle rule against the state before it (two instances racing to decide
 * one proposal) is not applied, so every instance ends in the same state whatever it was told first.
 */
export class ReviewState implements LifecycleQueries {
  private readonly contractsById = new Map<string, ContractRecord>();
  private readonly proposalsById = new Map<string, ProposalRecord>();
  private readonly contractByTopic = new Map<string, string>();
  private readonly events: ContractAuditEvent[] = [];
  private readonly overrideKeys = new Set<string>();

  /** Applies one event if the lifecycle rules allow it; otherwise returns why not and changes nothing. */
  apply(event: ContractAuditEvent): 'accepted' | RegistryError {
    const problem = checkEvent(this, event);
    if (problem) return problem;
    const contract: ContractRecord = this.contractsById.get(event.contractId) ?? { id: event.contractId, versions: new Map(), history: [] };
    this.contractsById.set(contract.id, contract);
    const version = contract.versions.get(event.version);
    switch (event.type) {
      case 'BASELINED':
      case 'PROPOSED': {
        const proposed = event.type === 'PROPOSED';
        contract.versions.set(event.version, {
          contractId: event.contractId,
          version: event.version,
          status: proposed ? 'proposed' : 'approved',
          proposalId: event.proposalId,
          contract: event.contract!,
          schema: event.schema,
          fingerprint: event.schemaFingerprint,
          decision: event,
        });
        this.contractByTopic.set(event.contract!.kafka.topic, event.contractId);
        if (proposed) {
          this.proposalsById.set(event.proposalId!, {
            proposalId: event.proposalId!,
            contractId: event.contractId,
            version: event.version,
            status: 'proposed',
            contract: event.contract!,
            schema: event.schema,
            fingerprint: event.schemaFingerprint,
            proposed: event,
          });
        }
        break;
      }
      case 'APPROVED':
      case 'REJECTED': {
        const proposal = this.proposalsById.get(event.proposalId!)!;
        proposal.status = event.type === 'APPROVED' ? 'approved' : 'rejected';
        proposal.decision = event;
        version!.status = event.type === 'APPROVED' ? 'approved' : 'draft';
        version!.decision = event;
        break;
      }
      case 'DEPRECATED':
      case 'RETIRED':
        version!.status = event.type === 'DEPRECATED' ? 'deprecated' : 'retired';
        version!.decision = event;
        break;
      case 'OVERRIDE':
        if (event.overrideKey !== undefined) this.overrideKeys.add(event.overrideKey);
        break;
      case 'REGISTERED':
        break;
    }
    contract.history.push(event);
    this.events.push(event);
    return 'accepted';
  }

  contract(contractId: string): ContractRecord | undefined {
    return this.contractsById.get(contractId);
  }

  contracts(): ContractRecord[] {
    return [...this.contractsById.values()];
  }

  proposal(proposalId: string): ProposalRecord | undefined {
    return this.proposalsById.get(proposalId);
  }

  proposals(): ProposalRecord[] {
    return [...this.proposalsById.values()];
  }

  /** Every audit event, in log order. */
  audit(): readonly ContractAuditEvent[] {
    return this.events;
  }

  /** The contract whose topic (any version) this is. */
  contractOfTopic(topic: string): ContractRecord | undefined {
    const id = this.contractByTopic.get(topic);
    return id === undefined ? undefined : this.contractsById.get(id);
  }

  /** The contract governing a subject: `<topic>-value` of a topic some contract version names. */
  contractOfSubject(subject: string): ContractRecord | undefined {
    return subject.endsWith('-value') ? this.contractOfTopic(subject.slice(0, -'-value'.length)) : undefined;
  }

  /** Versions oldest first. */
  versionsOf(contract: ContractRecord): VersionRecord[] {
    return [...contract.versions.values()].sort((a, b) => compareVersions(a.version, b.version));
  }

  /** The newest version that was ever approved (approved, deprecated or retired). */
  latestApproved(contract: ContractRecord): VersionRecord | undefined {
    return this.versionsOf(contract)
      .filter((version) => EVER_APPROVED.includes(version.status))
      .at(-1);
  }

  /** Approved and deprecated versions, oldest first: the schemas a governed subject accepts. */
  registrable(contract: ContractRecord): VersionRecord[] {
    return this.versionsOf(contract).filter((version) => REGISTRABLE.includes(version.status));
  }

  /** Whether an OVERRIDE with this key is audited already. */
  hasOverride(overrideKey: string): boolean {
    return this.overrideKeys.has(overrideKey);
  }

  /** The open proposal of a contract version, if any. */
  openProposal(contractId: string, version: string): ProposalRecord | undefined {
    return this.proposals().find((proposal) => proposal.contractId === contractId && proposal.version === version && proposal.status === 'proposed');
  }
}
