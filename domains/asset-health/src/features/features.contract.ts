import { durationToMs, loadContract, type LoadedContract } from '@fieldmesh/governance';
import { FeatureWindowUndefined } from '../errors';
import { CONTRACTS, REPO_ROOT } from '../paths';

export interface WindowSpec {
  windowMs: number;
  allowedLatenessMs: number;
}

/** The window size and lateness the features product is cut with, from its contract's `processing`. */
export function featureWindowSpec(contract: LoadedContract = loadContract(CONTRACTS.features, REPO_ROOT)): WindowSpec {
  const processing = contract.contract.processing;
  if (!processing?.window) throw new FeatureWindowUndefined(contract.file);
  return { windowMs: durationToMs(processing.window.size), allowedLatenessMs: durationToMs(processing.allowedLateness) };
}
