import type { LoadedContract } from '@fieldmesh/governance';
import { analyseProposal, type ProposalAnalysis } from '@fieldmesh/registry';

/**
 * The registry's own proposal analysis of `next` against `previous` (absent for a new product), so that a
 * local `diff`/`check` says exactly what a reviewer will see. Only one earlier version is known locally:
 * transitive modes compare with it alone (the registry checks every approved version on propose).
 */
export function analyseChange(previous: LoadedContract | undefined, next: LoadedContract): ProposalAnalysis {
  return analyseProposal(previous ? [{ contract: previous.contract, schema: previous.avroSchema }] : [], { contract: next.contract, schema: next.avroSchema });
}
