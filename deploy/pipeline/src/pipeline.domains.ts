import { join } from 'node:path';
import { type AnyDomain, ContractCatalog, contractRootsOf, discoverDomains, type ProductWiring, REPO_ROOT, wireDomain } from '@fieldmesh/products';

/** The domains the pipeline runs, the contracts they name and their products' jobs, upstream first. */
export interface PipelineDomains {
  domains: AnyDomain[];
  contracts: ContractCatalog;
  jobs: ProductWiring[];
}

/**
 * Every domain package under domains/ (and under `extraFolders`, e.g. a test's fixture domain), with the
 * repository's contracts and theirs. A domain reading another's product starts after it and closes
 * after it, so each stage's last outputs are still consumed when a run stops. With `runId`, the jobs
 * have the run's own consumer groups (see runGroups).
 */
export async function pipelineDomains(extraFolders: readonly string[] = [], runId?: string): Promise<PipelineDomains> {
  const found = await discoverDomains([join(REPO_ROOT, 'domains'), ...extraFolders]);
  const contracts = await ContractCatalog.load(contractRootsOf(REPO_ROOT, found));
  const wired = found.map((domain) => ({ domain, jobs: wireDomain(domain, contracts, { topics: {}, groups: runId === undefined ? {} : runGroups(domain, runId) }) }));
  const ordered = upstreamFirst(wired);
  return { domains: ordered.map((entry) => entry.domain), contracts, jobs: ordered.flatMap((entry) => entry.jobs) };
}

/**
 * A run's own consumer group for each of a domain's products, `<domain>.<product>.<runId>`, for a run that
 * must not inherit earlier runs' state on the same broker (a test's plant): windowed jobs keep watermarks
 * per group, and a plant may not start behind them, so after another run it would start at most the
 * clock skew ahead of the wall clock and run at real time. Such groups start at the topics' ends.
 */
export function runGroups(domain: Pick<AnyDomain, 'name' | 'products'>, runId: string): Record<string, string> {
  return Object.fromEntries(Object.keys(domain.products).map((product) => [product, `${domain.name}.${product}.${runId}`]));
}

/** The consumer groups of the jobs that keep event-time state: their watermarks outlive a run (see plantClockStart). */
export function windowedJobGroups(jobs: readonly ProductWiring[]): string[] {
  return jobs.filter((job) => job.keepsEventTime).map((job) => job.groupId);
}

/** Domains ordered so that each comes after the domains whose products it reads (name order otherwise). */
function upstreamFirst<T extends { domain: AnyDomain; jobs: ProductWiring[] }>(entries: T[]): T[] {
  const producerOf = new Map(entries.flatMap((entry) => entry.jobs.flatMap((job) => job.outputs.map((output) => [output.topic, entry.domain.name] as const))));
  const ordered: T[] = [];
  const visit = (entry: T, path: string[]) => {
    if (ordered.includes(entry) || path.includes(entry.domain.name)) return;
    for (const job of entry.jobs) {
      const upstream = entries.find((other) => other.domain.name === producerOf.get(job.input.topic) && other !== entry);
      if (upstream) visit(upstream, [...path, entry.domain.name]);
    }
    ordered.push(entry);
  };
  for (const entry of entries) visit(entry, []);
  return ordered;
}
