import { join } from 'node:path';
import type { Persona } from '@fieldmesh/pipeline';
import { REPO_ROOT } from '@fieldmesh/stack';

/**
 * The main job's tokens file. It lives outside the stack folder, which `npm run stack -- up` empties, so
 * the tokens made with `fieldmesh tokens create` keep working; those a run prints are revoked when it stops.
 */
export const LOCAL_TOKENS_FILE = join(REPO_ROOT, '.fieldmesh', 'console', 'tokens.json');

/** Where the console and the governed registry are, a token per role, and how to propose a contract change. */
export function accessLines(access: { consoleUrl: string; registryUrl: string; tokensFile: string; tokens: Record<Persona, string> }): string[] {
  const { tokens } = access;
  return [
    `Console: ${access.consoleUrl} (sign in with a token below, valid until this run stops; the tokens file ${access.tokensFile} keeps their hashes)`,
    `Registry: ${access.registryUrl} (governed: contract reviews under /contracts, audit log in Kafka)`,
    `  governance lead:    ${tokens.lead}`,
    `  asset-health owner: ${tokens.owner}`,
    `  operator:           ${tokens.operator}`,
    `  analyst:            ${tokens.analyst}`,
    '  propose a contract change (edit the contract, raise its version), then review it in the console:',
    `  FIELDMESH_REGISTRY_URL=${access.registryUrl} FIELDMESH_TOKEN=${tokens.owner} npx fieldmesh contracts propose contracts/asset-health/anomaly-scores.yaml`,
  ];
}
