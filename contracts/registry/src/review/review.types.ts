import type { Role } from '@fieldmesh/auth';
import type { DataContract } from '@fieldmesh/governance';
import type { ProposalAnalysis } from '../analysis/proposal.analysis';

/** Where a contract version stands. A rejected proposal sends its version back to `draft`. */
export const contractVersionStatuses = ['draft', 'proposed', 'approved', 'deprecated', 'retired'] as const;
export type ContractVersionStatus = (typeof contractVersionStatuses)[number];

export const contractAuditEventTypes = ['BASELINED', 'PROPOSED', 'APPROVED', 'REJECTED', 'DEPRECATED', 'RETIRED', 'OVERRIDE', 'REGISTERED'] as const;
export type ContractAuditEventType = (typeof contractAuditEventTypes)[number];

/** One record of the audit topic (key = contract id): who did what to which contract version, when and why. */
export interface ContractAuditEvent {
  eventId: string;
  type: ContractAuditEventType;
  contractId: string;
  /** The contract version; empty on an OVERRIDE of a schema that matches no version. */
  version: string;
  proposalId: string | null;
  /** Principal name. */
  by: string;
  role: Role;
  /** ISO 8601. */
  at: string;
  comment: string | null;
  subject: string;
  /** sha256 (hex) of the schema's canonical form, as the registry stores it. */
  schemaFingerprint: string;
  /** On BASELINED and PROPOSED. */
  contract?: DataContract;
  /** Parsed Avro schema, on BASELINED and PROPOSED. */
  schema?: unknown;
  /**
   * On OVERRIDE: the override request's identity (see `overrideKey`). The event is written before the schema
   * registers, and a retried request with the same key is audited once, on every instance.
   */
  overrideKey?: string;
}

/** Who acts: the name and role recorded in the audit log. */
export interface Actor {
  name: string;
  role: Role;
}

export type ProposalStatus = 'proposed' | 'approved' | 'rejected';

export interface Proposal {
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

export interface ContractVersionSummary {
  version: string;
  status: ContractVersionStatus;
  /** The proposal that brought the version to its state; null for a baselined version. */
  proposalId: string | null;
}

export interface ContractSummary {
  id: string;
  domain: string;
  dataProduct: string;
  /** Topic of the newest version. */
  topic: string;
  /** `<topic>-value`, the governed subject. */
  subject: string;
  owner: DataContract['owner'];
  /** Oldest first (semantic version order). */
  versions: ContractVersionSummary[];
}

export interface ContractDetail extends ContractSummary {
  /** Every audit event of the contract, in log order. */
  history: ContractAuditEvent[];
}

export interface VersionRecord {
  contractId: string;
  version: string;
  status: ContractVersionStatus;
  proposalId: string | null;
  contract: DataContract;
  schema: unknown;
  fingerprint: string;
  /** The event that gave the version its status: who decided, when and why. */
  decision: ContractAuditEvent;
}

export interface ProposalRecord {
  proposalId: string;
  contractId: string;
  version: string;
  status: ProposalStatus;
  contract: DataContract;
  schema: unknown;
  fingerprint: string;
  proposed: ContractAuditEvent;
  decision?: ContractAuditEvent;
}

export interface ContractRecord {
  id: string;
  versions: Map<string, VersionRecord>;
  /** The contract's audit events in log order. */
  history: ContractAuditEvent[];
}
