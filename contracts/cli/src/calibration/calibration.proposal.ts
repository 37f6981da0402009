import type { DesiredStateConfig } from '@fieldmesh/connect';
import { z } from 'zod';
import type { DriftAssessment, DriftThresholds } from './drift.fit';

const finite = z.number().finite();
const linear = z.strictObject({ scale: finite, offset: finite });
const versioned = linear.extend({ version: z.number().int().nonnegative() });
const series = z.strictObject({ assetPath: z.string().min(1), signal: z.string().min(1) });

/** A proposed recalibration of one signal of one asset, with its evidence; approved in the file like a reviewed change. */
export const calibrationProposalSchema = z.strictObject({
  apiVersion: z.literal('fieldmesh.dev/v1'),
  kind: z.literal('CalibrationProposal'),
  gatewayId: z.string().min(1),
  ...series.shape,
  reference: series,
  window: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }),
  thresholds: z.strictObject({ tolerance: finite.positive(), minPairs: z.number().int().min(2), minRSquared: finite.min(0).max(1), pairWithinMs: z.number().int().nonnegative() }),
  evidence: z.strictObject({
    pairs: z.number().int().positive(),
    rSquared: finite,
    residualRmsBefore: finite,
    residualRmsAfter: finite,
    valueRange: z.strictObject({ min: finite, max: finite }),
    covered: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }),
    /** reference ≈ scale * value + offset over the values as calibrated now (the clean table's). */
    fit: linear,
  }),
  current: versioned,
  proposed: versioned,
  proposedBy: z.string().min(1),
  proposedAt: z.iso.datetime(),
  approval: z.strictObject({ by: z.string().min(1), at: z.iso.datetime() }).nullable(),
  /** The gateway's desired state with this calibration in it: what `fieldmesh fleet rollout` publishes once approved. */
  desiredState: z.strictObject({
    connectors: z.array(z.record(z.string(), z.unknown())).min(1),
    calibration: z.array(z.record(z.string(), z.unknown())),
    assets: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});
export type CalibrationProposal = z.output<typeof calibrationProposalSchema>;

// The gateway validates rules strictly; here only the fields a proposal composes with matter.
const ruleSchema = z.looseObject({
  signal: z.string(),
  assetPath: z.string().optional(),
  scale: finite.default(1),
  offset: finite.default(0),
  version: z.number().int().positive().optional(),
});

/** The rule the gateway applies to this asset's signal today (as Calibration does: the asset's own rule, else the signal-wide one). */
export function currentCalibration(config: DesiredStateConfig, assetPath: string, signal: string): z.output<typeof versioned> {
  const rules = (config.calibration ?? []).map((rule) => ruleSchema.parse(rule)).filter((rule) => rule.signal === signal);
  const rule = rules.find((r) => r.assetPath === assetPath) ?? rules.find((r) => r.assetPath === undefined);
  return { scale: rule?.scale ?? 1, offset: rule?.offset ?? 0, version: rule?.version ?? 0 };
}

export interface ProposalInput {
  gatewayId: string;
  assetPath: string;
  signal: string;
  reference: { assetPath: string; signal: string };
  window: { from: string; to: string };
  thresholds: DriftThresholds & { pairWithinMs: number };
  /** A 'drift' assessment: its fit is over the values as calibrated now. */
  assessment: DriftAssessment;
  /** The gateway's current desired state (connectors, calibration, assets). */
  base: DesiredStateConfig;
  proposedBy: string;
  now: Date;
}

/**
 * The new rule replaces the calibration in force: the clean values are raw * s0 + o0, and the fit says
 * reference ≈ a * clean + b, so on raw values the rule becomes raw * (a * s0) + (a * o0 + b). It is the
 * asset's own rule, so other assets keep a signal-wide rule.
 */
export function proposeCalibration(input: ProposalInput): CalibrationProposal {
  const evidence = input.assessment.evidence;
  if (input.assessment.verdict !== 'drift' || !evidence) throw new Error(`only a drift is proposed for recalibration, not '${input.assessment.verdict}'`);
  const current = currentCalibration(input.base, input.assetPath, input.signal);
  const { scale: a, offset: b } = evidence.fit;
  const proposed = { scale: a * current.scale, offset: a * current.offset + b, version: current.version + 1 };
  const others = (input.base.calibration ?? []).filter((rule) => !(rule.signal === input.signal && rule.assetPath === input.assetPath));
  return {
    apiVersion: 'fieldmesh.dev/v1',
    kind: 'CalibrationProposal',
    gatewayId: input.gatewayId,
    assetPath: input.assetPath,
    signal: input.signal,
    reference: input.reference,
    window: input.window,
    thresholds: input.thresholds,
    evidence: {
      pairs: evidence.pairs,
      rSquared: evidence.fit.rSquared,
      residualRmsBefore: evidence.residualRmsBefore,
      residualRmsAfter: evidence.residualRmsAfter,
      valueRange: evidence.valueRange,
      covered: evidence.covered,
      fit: { scale: a, offset: b },
    },
    current,
    proposed,
    proposedBy: input.proposedBy,
    proposedAt: input.now.toISOString(),
    approval: null,
    desiredState: {
      ...input.base,
      calibration: [...others, { signal: input.signal, assetPath: input.assetPath, scale: proposed.scale, offset: proposed.offset, version: proposed.version }],
    },
  };
}

/**
 * Records who approved it and when. Refused (the reason returned) when it is approved already or the
 * approver proposed it: a second person checks the evidence, as a contract change is reviewed.
 */
export function approveCalibration(proposal: CalibrationProposal, by: string, now: Date): CalibrationProposal | { refused: string } {
  if (proposal.approval) return { refused: `already approved by ${proposal.approval.by} at ${proposal.approval.at}; propose again for a new calibration` };
  if (by === proposal.proposedBy) return { refused: `${by} proposed this calibration; another person must approve it` };
  return { ...proposal, approval: { by, at: now.toISOString() } };
}
