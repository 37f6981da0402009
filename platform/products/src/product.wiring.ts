import { ConfigInvalid, type Problem } from '@fieldmesh/config';
import type { ProductOnTopic } from '@fieldmesh/governance';
import type { ContractCatalog } from './contract.catalog';
import { ProductInputUnknown } from './errors';

/** How one product's job runs: names, group and the products it reads and writes, on their topics. */
export interface ProductWiring {
  domain: string;
  product: string;
  /** The job's name in logs, stats, lineage and checkpoint state: `<domain>-<product>`. */
  job: string;
  groupId: string;
  /** The first of `inputs`: the product the job reads when it reads one. */
  input: ProductOnTopic;
  /** Every product the job reads, in the order the contract's upstream names them (e.g. two major versions during a migration). */
  inputs: ProductOnTopic[];
  /** The product first, then what else the job writes. */
  outputs: ProductOnTopic[];
  /** The contract declares event-time processing (windows, lateness, deduplication): the job persists watermarks in its checkpoints. */
  keepsEventTime: boolean;
}

/** What wiring reads of a domain declaration: its name and which contracts each product writes. */
export interface WiredDomain {
  name: string;
  products: Record<string, { contract: string; alsoWrites?: string[] | undefined }>;
}

export interface WiringOverrides {
  /** Topic by contract id. */
  topics: Record<string, string>;
  /** Consumer group by product name. */
  groups: Record<string, string>;
}

/**
 * Each product's job, derived from its declaration and contracts: the input is the product the
 * contract's upstream names, groups and topics are the conventions unless the config overrides them (an
 * override naming nothing the domain reads or writes is an error, not ignored).
 */
export function wireDomain(domain: WiredDomain, contracts: ContractCatalog, overrides: WiringOverrides = { topics: {}, groups: {} }): ProductWiring[] {
  const topicOf = (id: string) => overrides.topics[id] ?? contracts.byId(id).contract.kafka.topic;
  const wiring = Object.entries(domain.products).map(([product, declaration]): ProductWiring => {
    const outputs = [declaration.contract, ...(declaration.alsoWrites ?? [])].map((id) => ({ contract: contracts.byId(id), topic: topicOf(id) }));
    const main = outputs[0]!.contract.contract;
    const upstream = main.upstream.flatMap((topic) => contracts.byTopic(topic) ?? []);
    if (upstream.length === 0 || upstream.length < main.upstream.length) throw new ProductInputUnknown(main.id, main.upstream);
    const inputs = upstream.map((input) => ({ contract: input, topic: topicOf(input.contract.id) }));
    return {
      domain: domain.name,
      product,
      job: `${domain.name}-${product}`,
      groupId: overrides.groups[product] ?? `${domain.name}.${product}`,
      input: inputs[0]!,
      inputs,
      outputs,
      keepsEventTime: main.processing !== undefined,
    };
  });
  const known = new Set(wiring.flatMap((job) => [...job.inputs, ...job.outputs].map((p) => p.contract.contract.id)));
  const problems: Problem[] = [
    ...Object.keys(overrides.topics)
      .filter((id) => !known.has(id))
      .map((id) => ({ path: `topics.${id}`, message: `${domain.name} neither reads nor writes a product with this contract id; it uses ${[...known].join(', ')}` })),
    ...Object.keys(overrides.groups)
      .filter((product) => !(product in domain.products))
      .map((product) => ({ path: `groups.${product}`, message: `${domain.name} has no product ${product}; its products are ${Object.keys(domain.products).join(', ')}` })),
  ];
  if (problems.length > 0) throw new ConfigInvalid(`${domain.name} config`, problems);
  return wiring;
}
