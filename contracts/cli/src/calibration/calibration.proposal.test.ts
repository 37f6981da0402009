import { describe, expect, it } from 'vitest';
import { approveCalibration, calibrationProposalSchema, currentCalibration, proposeCalibration, type ProposalInput } from './calibration.proposal';
import { assessDrift } from './drift.fit';

const asset = 'acme/berlin/press-shop/line-1/compressor-1';
const base = {
  connectors: [{ type: 'mqtt', name: 'plant' }],
  calibration: [
    { signal: 'bearing_temperature', scale: 2, offset: 1 },
    { signal: 'flow', assetPath: asset, scale: 1.1, offset: 0 },
  ],
};

/** Clean values raw * 2 + 1 (the signal-wide rule) that read 5 % high and 0.3 low against the reference. */
function input(): ProposalInput {
  const pairs = Array.from({ length: 40 }, (_, i) => {
    const clean = 2 * (20 + i) + 1;
    return { timeMs: Date.UTC(2026, 0, 1) + i * 1000, value: clean, reference: 1.05 * clean - 0.3 };
  });
  const thresholds = { tolerance: 0.5, minPairs: 10, minRSquared: 0.95, pairWithinMs: 1000 };
  return {
    gatewayId: 'gw-1',
    assetPath: asset,
    signal: 'bearing_temperature',
    reference: { assetPath: asset, signal: 'bearing_temperature_reference' },
    window: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' },
    thresholds,
    assessment: assessDrift(pairs, thresholds),
    base,
    proposedBy: 'a.engineer',
    now: new Date('2026-01-02T08:00:00Z'),
  };
}

describe('proposeCalibration', () => {
  it('composes the fit with the calibration in force, as an asset rule of the next version, keeping the other rules', () => {
    const proposal = proposeCalibration(input());
    expect(calibrationProposalSchema.parse(proposal)).toEqual(proposal);
    expect(proposal.current).toEqual({ scale: 2, offset: 1, version: 0 });
    expect(proposal.proposed.version).toBe(1);
    expect(proposal.proposed.scale).toBeCloseTo(2.1, 9);
    expect(proposal.proposed.offset).toBeCloseTo(1.05 - 0.3, 9);
    expect(proposal.approval).toBeNull();
    expect(proposal.desiredState.connectors).toEqual(base.connectors);
    expect(proposal.desiredState.calibration).toEqual([
      ...base.calibration,
      { signal: 'bearing_temperature', assetPath: asset, scale: proposal.proposed.scale, offset: proposal.proposed.offset, version: 1 },
    ]);
    // The new rule applied to raw values gives what the reference reads.
    const raw = 30;
    expect(raw * proposal.proposed.scale + proposal.proposed.offset).toBeCloseTo(1.05 * (2 * raw + 1) - 0.3, 9);
  });

  it('replaces the asset rule in force with the next version', () => {
    const first = proposeCalibration(input());
    expect(currentCalibration(first.desiredState, asset, 'bearing_temperature')).toEqual(first.proposed);
    const second = proposeCalibration({ ...input(), base: first.desiredState });
    expect(second.current).toEqual(first.proposed);
    expect(second.proposed.version).toBe(2);
    expect(second.desiredState.calibration.filter((rule) => rule.assetPath === asset && rule.signal === 'bearing_temperature')).toHaveLength(1);
  });

  it('proposes nothing without drift', () => {
    expect(() => proposeCalibration({ ...input(), assessment: { verdict: 'within-tolerance', warnings: [] } })).toThrow(/only a drift/);
  });
});

describe('approveCalibration', () => {
  const at = new Date('2026-01-02T09:00:00Z');

  it('records the approver and the time', () => {
    expect(approveCalibration(proposeCalibration(input()), 'q.reviewer', at)).toMatchObject({ approval: { by: 'q.reviewer', at: '2026-01-02T09:00:00.000Z' } });
  });

  it('refuses a second approval and an approval by the proposer', () => {
    const approved = approveCalibration(proposeCalibration(input()), 'q.reviewer', at);
    if ('refused' in approved) throw new Error(approved.refused);
    expect(approveCalibration(approved, 'r.other', at)).toEqual({
      refused: 'already approved by q.reviewer at 2026-01-02T09:00:00.000Z; propose again for a new calibration',
    });
    expect(approveCalibration(proposeCalibration(input()), 'a.engineer', at)).toEqual({ refused: 'a.engineer proposed this calibration; another person must approve it' });
  });
});
