/** One reading of a series: event time in epoch milliseconds and its value. */
export interface TimedValue {
  timeMs: number;
  value: number;
}

/** A reading of the signal and the reference reading nearest to it in time. */
export interface SamplePair {
  timeMs: number;
  value: number;
  reference: number;
}

/** value_ref ≈ scale * value + offset, by least squares over the pairs. */
export interface LinearFit {
  scale: number;
  offset: number;
  /** Share of the reference's variance the fit explains (1 when the reference is constant and matched exactly). */
  rSquared: number;
}

export interface DriftThresholds {
  /** Largest residual RMS between signal and reference (in the signal's unit) that is not drift. */
  tolerance: number;
  /** Fewer pairs than this are too little evidence to propose anything. */
  minPairs: number;
  /** A fit explaining less than this share of the reference's variance is not a calibration error a new scale and offset would fix. */
  minRSquared: number;
}

export interface DriftEvidence {
  pairs: number;
  fit: LinearFit;
  /** RMS of reference - value: how far the signal is from the reference as calibrated now. */
  residualRmsBefore: number;
  /** RMS of reference - (scale * value + offset): what would remain after the new calibration. */
  residualRmsAfter: number;
  /** The signal's value range the pairs cover; a fit says little outside it. */
  valueRange: { min: number; max: number };
  /** First and last paired reading, ISO-8601. */
  covered: { from: string; to: string };
}

export type DriftVerdict = 'drift' | 'within-tolerance' | 'insufficient-evidence' | 'not-linear';

export interface DriftAssessment {
  verdict: DriftVerdict;
  /** Undefined when there were fewer than two pairs or the signal never changed (no scale can be fitted). */
  evidence?: DriftEvidence;
  warnings: string[];
}

/**
 * Pairs each signal reading with the reference reading nearest in time, if that is within `toleranceMs`.
 * Both series may come in any order; a reference reading may pair with several signal readings when the
 * signal is sampled faster.
 */
export function pairByNearestTime(signal: readonly TimedValue[], reference: readonly TimedValue[], toleranceMs: number): SamplePair[] {
  const refs = [...reference].sort((a, b) => a.timeMs - b.timeMs);
  const pairs: SamplePair[] = [];
  let next = 0;
  for (const sample of [...signal].sort((a, b) => a.timeMs - b.timeMs)) {
    while (next < refs.length && refs[next]!.timeMs < sample.timeMs) next += 1;
    const candidates = [refs[next - 1], refs[next]].filter((ref): ref is TimedValue => ref !== undefined);
    const nearest = candidates.sort((a, b) => Math.abs(a.timeMs - sample.timeMs) - Math.abs(b.timeMs - sample.timeMs))[0];
    if (nearest && Math.abs(nearest.timeMs - sample.timeMs) <= toleranceMs) pairs.push({ timeMs: sample.timeMs, value: sample.value, reference: nearest.value });
  }
  return pairs;
}

const rms = (residuals: number[]) => Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / residuals.length);

/** Ordinary least squares of reference on value; undefined when the values do not vary (the scale is then undetermined). */
export function fitLinear(pairs: readonly SamplePair[]): LinearFit | undefined {
  if (pairs.length < 2) return undefined;
  const n = pairs.length;
  const meanValue = pairs.reduce((sum, p) => sum + p.value, 0) / n;
  const meanReference = pairs.reduce((sum, p) => sum + p.reference, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of pairs) {
    sxx += (p.value - meanValue) ** 2;
    sxy += (p.value - meanValue) * (p.reference - meanReference);
    syy += (p.reference - meanReference) ** 2;
  }
  // Relative to the values' magnitude: float noise on a constant series is no variation.
  if (sxx <= Number.EPSILON * n * Math.max(1, meanValue * meanValue)) return undefined;
  const scale = sxy / sxx;
  const offset = meanReference - scale * meanValue;
  const residual = pairs.reduce((sum, p) => sum + (p.reference - (scale * p.value + offset)) ** 2, 0);
  return { scale, offset, rSquared: syy === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / syy };
}

/** Decides from the pairs whether the signal drifted from its reference, with the evidence a reviewer checks. */
export function assessDrift(pairs: readonly SamplePair[], thresholds: DriftThresholds): DriftAssessment {
  const warnings: string[] = [];
  if (pairs.length < thresholds.minPairs)
    warnings.push(`only ${pairs.length} paired readings (at least ${thresholds.minPairs} needed): widen the time range or the pairing tolerance`);
  const fit = fitLinear(pairs);
  if (!fit) {
    if (pairs.length >= 2) warnings.push('the signal did not vary over the range, so no scale can be fitted: pick a range where the process moved');
    return { verdict: 'insufficient-evidence', warnings };
  }
  const values = pairs.map((p) => p.value);
  const times = pairs.map((p) => p.timeMs);
  const evidence: DriftEvidence = {
    pairs: pairs.length,
    fit,
    residualRmsBefore: rms(pairs.map((p) => p.reference - p.value)),
    residualRmsAfter: rms(pairs.map((p) => p.reference - (fit.scale * p.value + fit.offset))),
    valueRange: { min: Math.min(...values), max: Math.max(...values) },
    covered: { from: new Date(Math.min(...times)).toISOString(), to: new Date(Math.max(...times)).toISOString() },
  };
  if (pairs.length < thresholds.minPairs) return { verdict: 'insufficient-evidence', evidence, warnings };
  if (evidence.residualRmsBefore <= thresholds.tolerance) return { verdict: 'within-tolerance', evidence, warnings };
  if (fit.rSquared < thresholds.minRSquared) {
    warnings.push(
      `the reference follows the signal only loosely (R² ${fit.rSquared.toFixed(3)} < ${thresholds.minRSquared}): check the sensor or the reference before recalibrating`,
    );
    return { verdict: 'not-linear', evidence, warnings };
  }
  return { verdict: 'drift', evidence, warnings };
}
