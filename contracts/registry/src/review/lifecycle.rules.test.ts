import type { DataContract } from '@fieldmesh/governance';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors';
import { notApprovedReason } from './lifecycle.rules';
import { ReviewState } from './review.state';
import type { ContractAuditEvent } from './review.types';

const CONTRACT_ID = 'asset-health.anomaly-scores';

function contract(version: string, topic = 'asset-health.anomaly-scores.v1'): DataContract {
  return {
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'DataContract',
    id: CONTRACT_ID,
    version,
    status: 'proposed',
    domain: 'asset-health',
    dataProduct: 'anomaly-scores',
    description: { purpose: 'Scores' },
    owner: { team: 'asset-health', contact: 'asset-health@fieldmesh.example' },
    schema: { type: 'avro', ref: 'schemas/asset-health/AnomalyScore.avsc' },
    kafka: { topic, partitions: 1, replicationFactor: 1, key: 'assetPath' },
    compatibility: 'BACKWARD',
    retention: { kafka: 'P7D', warehouse: 'P365D' },
    slos: { freshness: { maxAge: 'PT1M' }, completeness: { minRatio: 0.99, window: 'PT15M' } },
    fields: {},
    quality: [],
    upstream: [],
  };
}

let sequence = 0;
function event(type: ContractAuditEvent['type'], version: string, fields: Partial<ContractAuditEvent> = {}): ContractAuditEvent {
  sequence += 1;
  const withContract = type === 'BASELINED' || type === 'PROPOSED';
  return {
    eventId: `e${sequence}`,
    type,
    contractId: CONTRACT_ID,
    version,
    proposalId: null,
    by: type === 'PROPOSED' ? 'owner' : 'lead',
    role: type === 'PROPOSED' ? 'domain-owner' : 'governance-lead',
    at: `2026-11-22T00:00:${String(sequence % 60).padStart(2, '0')}.000Z`,
    comment: null,
    subject: 'asset-health.anomaly-scores.v1-value',
    schemaFingerprint: `fp-${version}`,
    ...(withContract ? { contract: contract(version), schema: { type: 'record', name: 'R', fields: [] } } : {}),
    ...fields,
  };
}

/** Applies events that must be accepted, failing the test at the first one the rules refuse. */
function applyAll(state: ReviewState, ...events: ContractAuditEvent[]): void {
  for (const next of events) {
    const outcome = state.apply(next);
    if (outcome !== 'accepted') throw new Error(`${next.type} ${next.version} refused: ${outcome.message}`);
  }
}

function stateAfter(...events: ContractAuditEvent[]): ReviewState {
  const state = new ReviewState();
  applyAll(state, ...events);
  return state;
}

const statusOf = (state: ReviewState, version: string) => state.contract(CONTRACT_ID)?.versions.get(version)?.status;
const refusal = (state: ReviewState, next: ContractAuditEvent) => {
  const outcome = state.apply(next);
  expect(outcome).toBeInstanceOf(RegistryError);
  return outcome as RegistryError;
};

describe('contract lifecycle rules', () => {
  it('moves a version proposed → approved → deprecated → retired', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    expect(statusOf(state, '1.1.0')).toBe('proposed');
    applyAll(state, event('APPROVED', '1.1.0', { proposalId: 'p1' }));
    expect(statusOf(state, '1.1.0')).toBe('approved');
    expect(state.proposal('p1')?.status).toBe('approved');
    applyAll(state, event('DEPRECATED', '1.0.0', { comment: 'use 1.1.0' }), event('RETIRED', '1.0.0', { comment: 'no producers left' }));
    expect(statusOf(state, '1.0.0')).toBe('retired');
    expect(state.registrable(state.contract(CONTRACT_ID)!).map((version) => version.version)).toEqual(['1.1.0']);
  });

  it('sends a rejected version back to draft, keeps the comment, and lets it be proposed again', () => {
    const state = stateAfter(
      event('BASELINED', '1.0.0'),
      event('PROPOSED', '1.1.0', { proposalId: 'p1' }),
      event('REJECTED', '1.1.0', { proposalId: 'p1', comment: 'drops a field' }),
    );
    expect(statusOf(state, '1.1.0')).toBe('draft');
    expect(state.proposal('p1')).toMatchObject({ status: 'rejected', decision: { by: 'lead', comment: 'drops a field' } });
    applyAll(state, event('PROPOSED', '1.1.0', { proposalId: 'p2', schemaFingerprint: 'fp-1.1.0-fixed' }));
    expect(statusOf(state, '1.1.0')).toBe('proposed');
  });

  it('refuses a rejection without a comment (42271)', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    expect(refusal(state, event('REJECTED', '1.1.0', { proposalId: 'p1', comment: '  ' })).errorCode).toBe(42271);
    expect(statusOf(state, '1.1.0')).toBe('proposed');
  });

  it('allows one open proposal per contract version', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    const error = refusal(state, event('PROPOSED', '1.1.0', { proposalId: 'p2' }));
    expect(error.errorCode).toBe(40970);
    expect(error.message).toContain('already has an open proposal p1');
    expect(state.proposal('p2')).toBeUndefined();
  });

  it('refuses a proposal that is not newer than the latest approved version', () => {
    const state = stateAfter(event('BASELINED', '1.2.0'));
    expect(refusal(state, event('PROPOSED', '1.1.9', { proposalId: 'p1' })).message).toContain('not newer than its latest approved version 1.2.0');
    expect(refusal(state, event('PROPOSED', '1.2.0', { proposalId: 'p2' })).errorCode).toBe(40970);
  });

  it('refuses approving a proposal overtaken by a newer approved version, and deciding twice', () => {
    const state = stateAfter(
      event('BASELINED', '1.0.0'),
      event('PROPOSED', '1.1.0', { proposalId: 'p1' }),
      event('PROPOSED', '1.2.0', { proposalId: 'p2' }),
      event('APPROVED', '1.2.0', { proposalId: 'p2' }),
    );
    expect(refusal(state, event('APPROVED', '1.1.0', { proposalId: 'p1' })).message).toContain('not newer than its latest approved version 1.2.0');
    expect(refusal(state, event('REJECTED', '1.2.0', { proposalId: 'p2', comment: 'too late' })).message).toContain('was already approved by lead (governance-lead)');
  });

  it('refuses deprecating a version that is not approved, and an unknown proposal or version', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    expect(refusal(state, event('DEPRECATED', '1.1.0', { comment: 'x' })).errorCode).toBe(40970);
    expect(refusal(state, event('DEPRECATED', '9.0.0', { comment: 'x' })).errorCode).toBe(40471);
    expect(refusal(state, event('APPROVED', '1.1.0', { proposalId: 'nope' })).errorCode).toBe(40472);
    expect(refusal(state, event('DEPRECATED', '1.0.0')).errorCode).toBe(42271);
  });

  it('keeps a topic to one contract', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'));
    const other = event('BASELINED', '1.0.0', { contractId: 'asset-health.other' });
    expect(refusal(state, other).message).toContain(`topic 'asset-health.anomaly-scores.v1' belongs to contract ${CONTRACT_ID}`);
  });

  it('governs the value subject of every topic a version names', () => {
    const v2 = { ...event('PROPOSED', '2.0.0', { proposalId: 'p1' }), contract: contract('2.0.0', 'asset-health.anomaly-scores.v2') };
    const state = stateAfter(event('BASELINED', '1.0.0'), v2);
    expect(state.contractOfSubject('asset-health.anomaly-scores.v1-value')?.id).toBe(CONTRACT_ID);
    expect(state.contractOfSubject('asset-health.anomaly-scores.v2-value')?.id).toBe(CONTRACT_ID);
    expect(state.contractOfSubject('asset-health.anomaly-scores.v1-key')).toBeUndefined();
    expect(state.contractOfSubject('energy.consumption-15m.v1-value')).toBeUndefined();
  });

  it('leaves out events another program wrote without the contract or proposal they need', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'));
    const { contract: _contract, ...withoutContract } = event('PROPOSED', '1.1.0', { proposalId: 'p1' });
    expect(refusal(state, withoutContract).errorCode).toBe(42270);
    expect(refusal(state, event('PROPOSED', '1.1.0')).errorCode).toBe(42270);
    expect(state.audit()).toHaveLength(1);
  });

  it('keeps the audit events in log order, refused ones left out', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    state.apply(event('PROPOSED', '1.1.0', { proposalId: 'p2' }));
    applyAll(state, event('APPROVED', '1.1.0', { proposalId: 'p1', comment: 'ok' }));
    expect(state.audit().map((entry) => `${entry.type} ${entry.version} ${entry.by}`)).toEqual(['BASELINED 1.0.0 lead', 'PROPOSED 1.1.0 owner', 'APPROVED 1.1.0 lead']);
  });
});

describe('why a governed subject refuses a schema', () => {
  it('names the rejected version, who rejected it, when and why', () => {
    const rejected = event('REJECTED', '1.1.0', { proposalId: 'p1', comment: 'drops a field' });
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }), rejected);
    expect(notApprovedReason(state, CONTRACT_ID, 'fp-1.1.0')).toBe(
      `contract ${CONTRACT_ID} version 1.1.0 was rejected by lead (governance-lead) on ${rejected.at}: "drops a field"`,
    );
  });

  it('says a proposed version awaits review, and lists the approved versions otherwise', () => {
    const state = stateAfter(event('BASELINED', '1.0.0'), event('PROPOSED', '1.1.0', { proposalId: 'p1' }));
    expect(notApprovedReason(state, CONTRACT_ID, 'fp-1.1.0')).toMatch(/version 1\.1\.0 is proposed \(p1 by owner on .*\) and awaits review/);
    expect(notApprovedReason(state, CONTRACT_ID, 'fp-unknown')).toBe(`it matches no approved version of contract ${CONTRACT_ID} (approved: 1.0.0)`);
  });
});
