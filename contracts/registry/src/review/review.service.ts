import { randomUUID } from 'node:crypto';
import { domainOfTopic } from '@fieldmesh/auth';
import { dataContractSchema, type DataContract } from '@fieldmesh/governance';
import type { LineageGraph } from '@fieldmesh/lineage';
import { Inject, Injectable } from '@nestjs/common';
import { analyseProposal, type ProposalAnalysis } from '../analysis/proposal.analysis';
import { RegistryErrors } from '../errors';
import { ContractAuditLog } from './contract-audit.log';
import { downstreamOf, LineageSource } from './downstream.impact';
import { checkEvent, notApprovedReason } from './lifecycle.rules';
import { overrideKey } from './override.key';
import { ReviewState, valueSubjectOf } from './review.state';
import { parseReviewSchema, schemaFingerprint } from './schema.fingerprint';
import { compareVersions } from './semantic-version';
import type { Actor, ContractAuditEvent, ContractDetail, ContractRecord, ContractSummary, Proposal, ProposalRecord, ProposalStatus } from './review.types';

const proposalStatuses: readonly ProposalStatus[] = ['proposed', 'approved', 'rejected'];

interface VersionRequest {
  contract: DataContract;
  schema: unknown;
  fingerprint: string;
}

/** What governed mode decided about a registration: an override is audited before the schema registers, an approved schema after. */
export interface Admission {
  contractId: string;
  version: string;
  subject: string;
  fingerprint: string;
  /** The emergency override's reason and what it bypassed; absent for an approved schema. */
  override?: { reason: string; bypassed: string };
}

const commentOf = (body: unknown): string | null => {
  const comment = (body as { comment?: unknown } | null | undefined)?.comment;
  if (comment !== undefined && comment !== null && typeof comment !== 'string') throw RegistryErrors.invalidReviewRequest('"comment" must be a string');
  return typeof comment === 'string' && comment.trim() !== '' ? comment.trim() : null;
};

/** The body of a baseline or a proposal, `{contract, schema}`, validated: a contract per the data contract schema and valid Avro. */
function readVersionRequest(body: unknown): VersionRequest {
  const { contract, schema } = (body ?? {}) as { contract?: unknown; schema?: unknown };
  const parsed = dataContractSchema.safeParse(contract);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `contract.${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw RegistryErrors.invalidReviewRequest(contract === undefined ? '"contract" is required: the data contract (parsed YAML)' : problems);
  }
  // Tying id and topic to the domain keeps a domain owner's token, checked against contract.domain, to its own contracts.
  const { id, domain, kafka } = parsed.data;
  if (domainOfTopic(id) !== domain) {
    throw RegistryErrors.invalidReviewRequest(`contract.id '${id}' is not in the contract's domain '${domain}'; name it '${domain}.<product>'`);
  }
  if (domainOfTopic(kafka.topic) !== domain) {
    throw RegistryErrors.invalidReviewRequest(`contract.kafka.topic '${kafka.topic}' is not in the contract's domain '${domain}'; a domain names only its own topics`);
  }
  const canonical = parseReviewSchema(schema).canonical;
  return { contract: parsed.data, schema: typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema, fingerprint: schemaFingerprint(canonical) };
}

/**
 * The contract lifecycle: baselines, proposals and their review, deprecation and retirement, each written
 * to the audit log and taking effect once read back; and governed mode, which admits a schema to a governed
 * subject only when it is an approved version of the subject's contract.
 */
@Injectable()
export class ReviewService {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly analyses = new Map<string, { historyLength: number; graph: LineageGraph | undefined; analysis: ProposalAnalysis }>();

  constructor(
    @Inject(ReviewState) private readonly state: ReviewState,
    @Inject(ContractAuditLog) private readonly log: ContractAuditLog,
    @Inject(LineageSource) private readonly lineage: LineageSource,
  ) {}

  // ---- reads ----

  listContracts(): ContractSummary[] {
    return this.state
      .contracts()
      .map((contract) => this.summary(contract))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  getContract(contractId: string): ContractDetail {
    const contract = this.state.contract(contractId);
    if (!contract) throw RegistryErrors.contractNotFound(contractId);
    return { ...this.summary(contract), history: [...contract.history] };
  }

  audit(contractId?: string): ContractAuditEvent[] {
    return this.state.audit().filter((event) => contractId === undefined || event.contractId === contractId);
  }

  async listProposals(status?: string): Promise<Proposal[]> {
    if (status !== undefined && !proposalStatuses.includes(status as ProposalStatus)) {
      throw RegistryErrors.invalidReviewRequest(`status '${status}' is not one of ${proposalStatuses.join(', ')}`);
    }
    const records = this.state.proposals().filter((proposal) => status === undefined || proposal.status === status);
    return Promise.all(records.map((record) => this.proposalView(record)));
  }

  async getProposal(proposalId: string): Promise<Proposal> {
    const record = this.state.proposal(proposalId);
    if (!record) throw RegistryErrors.proposalNotFound(proposalId);
    return this.proposalView(record);
  }

  // ---- lifecycle ----

  /** Records a version that is approved already (a repo's contracts when governance starts); idempotent. */
  async baseline(body: unknown, actor: Actor): Promise<ContractSummary> {
    const request = readVersionRequest(body);
    const { id, version } = request.contract;
    const existing = () => this.state.contract(id)?.versions.get(version);
    const same = () => existing()?.fingerprint === request.fingerprint && existing()?.status !== 'proposed' && existing()?.status !== 'draft';
    await this.serialised(async () => {
      await this.log.sync();
      if (same()) return;
      const outcome = await this.appendChecked(this.event('BASELINED', actor, { ...request, proposalId: null, comment: null }));
      // Another instance baselining the same version at the same time is the same baseline.
      if (outcome !== 'accepted' && !same()) throw outcome;
    });
    return this.summary(this.state.contract(id)!);
  }

  async propose(body: unknown, actor: Actor): Promise<Proposal> {
    const request = readVersionRequest(body);
    const proposalId = `prop-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await this.write(() => this.event('PROPOSED', actor, { ...request, proposalId, comment: null }));
    return this.getProposal(proposalId);
  }

  async approve(proposalId: string, body: unknown, actor: Actor): Promise<Proposal> {
    return this.decide('APPROVED', proposalId, commentOf(body), actor);
  }

  async reject(proposalId: string, body: unknown, actor: Actor): Promise<Proposal> {
    return this.decide('REJECTED', proposalId, commentOf(body), actor);
  }

  async deprecate(contractId: string, version: string, body: unknown, actor: Actor): Promise<ContractSummary> {
    return this.retireStep('DEPRECATED', contractId, version, commentOf(body), actor);
  }

  async retire(contractId: string, version: string, body: unknown, actor: Actor): Promise<ContractSummary> {
    return this.retireStep('RETIRED', contractId, version, commentOf(body), actor);
  }

  /** The domain a contract belongs to, for role checks on endpoints that name a contract or a proposal. */
  domainOfContract(contractId: string): string | undefined {
    return this.latest(this.state.contract(contractId))?.contract.domain;
  }

  domainOfProposal(proposalId: string): string | undefined {
    return this.state.proposal(proposalId)?.contract.domain;
  }

  // ---- governed mode ----

  /**
   * Decides whether `subject` may register the schema with this canonical text: undefined when no contract
   * governs the subject, an admission when the schema is an approved (or deprecated) version of the
   * contract, or when an emergency override gives a reason and its caller may override (`authorize`
   * throws 403 otherwise); 42205 naming the contract version and its decision in every other case.
   */
  async admitRegistration(subject: string, canonical: string, override?: { reason: string; authorize: () => void }): Promise<Admission | undefined> {
    await this.log.sync();
    const contract = this.state.contractOfSubject(subject);
    if (!contract) return undefined;
    const fingerprint = schemaFingerprint(canonical);
    const approved = this.state.registrable(contract).find((version) => version.fingerprint === fingerprint);
    if (approved) return { contractId: contract.id, version: approved.version, subject, fingerprint };
    const bypassed = notApprovedReason(this.state, contract.id, fingerprint);
    if (!override) throw RegistryErrors.schemaNotApproved(subject, bypassed);
    override.authorize();
    if (override.reason.trim() === '') throw RegistryErrors.commentRequired('override governance (the X-Fieldmesh-Emergency-Override header carries the reason)');
    const matching = this.state
      .proposals()
      .filter((proposal) => proposal.contractId === contract.id && proposal.fingerprint === fingerprint)
      .at(-1);
    return { contractId: contract.id, version: matching?.version ?? '', subject, fingerprint, override: { reason: override.reason.trim(), bypassed } };
  }

  /**
   * Audits an emergency override as OVERRIDE, before its schema registers: a failed audit write then leaves
   * nothing registered, and the caller retries. Idempotent: a retry with the same override (same
   * `overrideKey`), here or on another instance, finds its event and writes none, even when the first
   * write landed but was not read back in time.
   */
  async auditOverride(admission: Required<Admission>, actor: Actor, nextVersion: number): Promise<void> {
    const { subject, fingerprint, override } = admission;
    const key = overrideKey({ subject, fingerprint, reason: override.reason, by: actor.name, nextVersion });
    const audited = () => this.state.hasOverride(key);
    await this.serialised(async () => {
      await this.log.sync();
      if (audited()) return;
      const outcome = await this.appendChecked({
        ...this.base('OVERRIDE', actor, admission.contractId, admission.version, subject, fingerprint),
        proposalId: null,
        comment: `${override.reason} (to register as ${subject} version ${nextVersion}, bypassing: ${override.bypassed})`,
        overrideKey: key,
      });
      // Another instance serving the same retry at the same time wrote the same override.
      if (outcome !== 'accepted' && !audited()) throw outcome;
    });
  }

  /** Audits an approved schema that became a new subject version as REGISTERED. */
  async recordRegistration(admission: Admission, actor: Actor, registered: { id: number; version: number; created: boolean }): Promise<void> {
    if (!registered.created) return;
    await this.write(() => ({
      ...this.base('REGISTERED', actor, admission.contractId, admission.version, admission.subject, admission.fingerprint),
      proposalId: null,
      comment: `registered as schema id ${registered.id}, ${admission.subject} version ${registered.version}`,
    }));
  }

  // ---- helpers ----

  private async decide(type: 'APPROVED' | 'REJECTED', proposalId: string, comment: string | null, actor: Actor): Promise<Proposal> {
    await this.write(() => {
      const proposal = this.state.proposal(proposalId);
      if (!proposal) throw RegistryErrors.proposalNotFound(proposalId);
      const subject = valueSubjectOf(proposal.contract.kafka.topic);
      return { ...this.base(type, actor, proposal.contractId, proposal.version, subject, proposal.fingerprint), proposalId, comment };
    });
    return this.getProposal(proposalId);
  }

  private async retireStep(type: 'DEPRECATED' | 'RETIRED', contractId: string, version: string, comment: string | null, actor: Actor): Promise<ContractSummary> {
    await this.write(() => {
      const contract = this.state.contract(contractId);
      if (!contract) throw RegistryErrors.contractNotFound(contractId);
      const record = contract.versions.get(version);
      if (!record) throw RegistryErrors.contractVersionNotFound(contractId, version);
      const subject = valueSubjectOf(record.contract.kafka.topic);
      return { ...this.base(type, actor, contractId, version, subject, record.fingerprint), proposalId: record.proposalId, comment };
    });
    return this.summary(this.state.contract(contractId)!);
  }

  private event(type: 'BASELINED' | 'PROPOSED', actor: Actor, input: VersionRequest & { proposalId: string | null; comment: string | null }): ContractAuditEvent {
    const { contract, schema, fingerprint, proposalId, comment } = input;
    return { ...this.base(type, actor, contract.id, contract.version, valueSubjectOf(contract.kafka.topic), fingerprint), proposalId, comment, contract, schema };
  }

  private base(type: ContractAuditEvent['type'], actor: Actor, contractId: string, version: string, subject: string, schemaFingerprint: string) {
    return { eventId: randomUUID(), type, contractId, version, by: actor.name, role: actor.role, at: new Date().toISOString(), subject, schemaFingerprint };
  }

  /** Catches up, builds the event from the current state, checks the rules, writes it and waits for it to apply. */
  private write(build: () => ContractAuditEvent): Promise<ContractAuditEvent> {
    return this.serialised(async () => {
      await this.log.sync();
      const event = build();
      const outcome = await this.appendChecked(event);
      if (outcome !== 'accepted') throw outcome;
      return event;
    });
  }

  private async appendChecked(event: ContractAuditEvent) {
    const problem = checkEvent(this.state, event);
    if (problem) return problem;
    return this.log.append(event);
  }

  private serialised<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write, write);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private latest(contract: ContractRecord | undefined) {
    return contract && this.state.versionsOf(contract).at(-1);
  }

  private summary(contract: ContractRecord): ContractSummary {
    const newest = this.latest(contract)!.contract;
    return {
      id: contract.id,
      domain: newest.domain,
      dataProduct: newest.dataProduct,
      topic: newest.kafka.topic,
      subject: valueSubjectOf(newest.kafka.topic),
      owner: newest.owner,
      versions: this.state.versionsOf(contract).map(({ version, status, proposalId }) => ({ version, status, proposalId })),
    };
  }

  private async proposalView(record: ProposalRecord): Promise<Proposal> {
    const { proposalId, contractId, version, status, contract, schema, proposed, decision } = record;
    return {
      proposalId,
      contractId,
      version,
      status,
      proposedBy: proposed.by,
      proposedAt: proposed.at,
      ...(decision ? { decidedBy: decision.by, decidedAt: decision.at, ...(decision.comment ? { comment: decision.comment } : {}) } : {}),
      contract,
      schema,
      analysis: await this.analysisOf(record),
    };
  }

  /**
   * The proposal against the versions approved before it, oldest first, with what lineage has downstream of
   * the topics involved. Kept until the contract's history grows (a version approved, deprecated…).
   */
  private async analysisOf(record: ProposalRecord): Promise<ProposalAnalysis> {
    const contract = this.state.contract(record.contractId)!;
    const graph = await this.lineage.graph();
    const cached = this.analyses.get(record.proposalId);
    if (cached && cached.historyLength === contract.history.length && cached.graph === graph) return cached.analysis;
    const previous = this.state
      .versionsOf(contract)
      .filter((version) => version.status !== 'proposed' && version.status !== 'draft' && compareVersions(version.version, record.version) < 0);
    const topics = [...new Set([...previous.map((version) => version.contract.kafka.topic), record.contract.kafka.topic])];
    const downstream = graph ? downstreamOf(graph, topics, (topic) => this.state.contractOfTopic(topic)?.id) : [];
    const analysis = analyseProposal(previous, { contract: record.contract, schema: record.schema }, downstream);
    this.analyses.set(record.proposalId, { historyLength: contract.history.length, graph, analysis });
    return analysis;
  }
}
