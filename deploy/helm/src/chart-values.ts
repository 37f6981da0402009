import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dlqTopicSpecFor, kafkaAccessPlan, loadAllContracts, principalNames, topicSpecFor, type KafkaAccessPlan, type LoadedContract } from '@fieldmesh/governance';
import {
  FLEET_ROLLOUTS_TOPIC,
  FLEET_ROLLOUTS_TOPIC_LAYOUT,
  GATEWAY_COMMANDS_TOPIC,
  GATEWAY_COMMANDS_TOPIC_LAYOUT,
  GATEWAY_DESIRED_STATE_TOPIC,
  GATEWAY_DESIRED_STATE_TOPIC_LAYOUT,
  GATEWAY_REPLIES_TOPIC,
  GATEWAY_REPLIES_TOPIC_LAYOUT,
} from '@fieldmesh/connect';
import { type AclBinding, DEFAULT_REPLICATION_FACTOR, type KafkaAdminPort, type TopicSpec } from '@fieldmesh/kafka';
import { ensureLineageTopic } from '@fieldmesh/lineage';
import { contractRootsOf, ContractCatalog, discoverDomains, wireDomain } from '@fieldmesh/products';
import { stringify } from 'yaml';

/** The command that writes the chart's generated files; the stale-file messages name it. */
export const HELM_VALUES_COMMAND = 'npm run helm:values';
export const CHART_DIR = 'deploy/helm/fieldmesh';

export interface GeneratedChartFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
  /** What it is generated from, for the message when it is stale. */
  source: string;
}

/** A Strimzi KafkaTopic's fields. Kubernetes names allow no `_`, so the topic's own name is `topicName`. */
export interface StrimziTopic {
  name: string;
  topicName: string;
  contract: string;
  partitions: number;
  replicas: number;
  config: Record<string, string>;
}

/** One rule of a KafkaUser's `spec.authorization.acls` (Strimzi's `simple` authorization). */
export interface StrimziAcl {
  resource: { type: string; name: string; patternType: 'literal' | 'prefix' };
  operations: string[];
  host: '*';
}

/** A domain's Deployment: its entry point, its principal and the consumer group of each job (KEDA scales on their lag). */
export interface DomainWorkload {
  name: string;
  principal: string;
  main: string;
  jobs: Array<{ job: string; groupId: string; topic: string }>;
}

/** `plant.telemetry.raw.v1` as it is; `_fieldmesh.lineage` → `fieldmesh.lineage` (a DNS-1123 subdomain for metadata.name). */
export function kubernetesNameOf(topic: string): string {
  return topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+/, '');
}

function strimziTopic(spec: TopicSpec, contract: string): StrimziTopic {
  return { name: kubernetesNameOf(spec.topic), topicName: spec.topic, contract, partitions: spec.partitions, replicas: spec.replicationFactor, config: spec.configs ?? {} };
}

/** Every product's topic and its DLQ, with partitions, replication and configs as provisioning derives them from the contract. */
export function strimziTopics(contracts: readonly LoadedContract[]): StrimziTopic[] {
  return [...contracts]
    .sort((a, b) => a.contract.kafka.topic.localeCompare(b.contract.kafka.topic))
    .flatMap(({ contract }) => [strimziTopic(topicSpecFor(contract), contract.id), strimziTopic(dlqTopicSpecFor(contract), contract.id)]);
}

/**
 * The platform topics that their writers may not create in a cluster (lineage: its principals have WRITE, not
 * CREATE; the gateway commands), as the code that creates them on a development stack asks for them.
 */
export async function platformTopics(): Promise<StrimziTopic[]> {
  const specs: TopicSpec[] = [];
  const recorder: Pick<KafkaAdminPort, 'createTopics'> = {
    createTopics: (topics) => {
      specs.push(...topics);
      return Promise.resolve(topics.map((topic) => topic.topic));
    },
  };
  await ensureLineageTopic(recorder as KafkaAdminPort);
  // The operators' commands: the console writes them, each site's gateway reads them, and neither may create the topic here.
  specs.push({ topic: GATEWAY_COMMANDS_TOPIC, ...GATEWAY_COMMANDS_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR });
  // Their answers and the gateways' heartbeats: each site's gateway writes them, the console reads them.
  specs.push({ topic: GATEWAY_REPLIES_TOPIC, ...GATEWAY_REPLIES_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR });
  // Desired states (compacted) and the rollout audit trail: the fleet operator writes both, each site's gateway reads its desired state.
  specs.push({ topic: GATEWAY_DESIRED_STATE_TOPIC, ...GATEWAY_DESIRED_STATE_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR });
  specs.push({ topic: FLEET_ROLLOUTS_TOPIC, ...FLEET_ROLLOUTS_TOPIC_LAYOUT, replicationFactor: DEFAULT_REPLICATION_FACTOR });
  return specs.map((spec) => strimziTopic(spec, 'platform'));
}

// Kafka's enum names (`DESCRIBE_CONFIGS`, `TRANSACTIONAL_ID`) as Strimzi spells them (`DescribeConfigs`, `transactionalId`).
const words = (name: string) => name.toLowerCase().split('_');
const pascal = (name: string) =>
  words(name)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
const camel = (name: string) => pascal(name)[0]!.toLowerCase() + pascal(name).slice(1);

/** One principal's bindings as KafkaUser ACL rules: the operations on one resource pattern together, in a stable order. */
export function strimziAcls(bindings: readonly AclBinding[]): StrimziAcl[] {
  const byResource = new Map<string, StrimziAcl>();
  for (const binding of bindings) {
    const resource = {
      type: camel(binding.resourceType),
      name: binding.resourceName,
      patternType: binding.patternType === 'PREFIXED' ? ('prefix' as const) : ('literal' as const),
    };
    const key = `${resource.type} ${resource.patternType} ${resource.name}`;
    const rule = byResource.get(key) ?? { resource, operations: [], host: '*' as const };
    rule.operations.push(pascal(binding.operation));
    byResource.set(key, rule);
  }
  return [...byResource.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, rule]) => ({ ...rule, operations: [...new Set(rule.operations)].sort() }));
}

const bindingsOf = (plan: KafkaAccessPlan, principal: string) => plan.bindings.filter((binding) => binding.principal === `User:${principal}`);

/**
 * The KafkaUsers the access plan implies. A gateway's grants are the same at every site, so they are
 * generated once (for a placeholder site) and the chart names one user per site of its values.
 */
export function strimziUsers(contracts: readonly LoadedContract[]): {
  principals: Record<'registry' | 'sink' | 'console', string>;
  users: Record<string, StrimziAcl[]>;
  gateway: { namePrefix: string; acls: StrimziAcl[] };
} {
  const plan = kafkaAccessPlan(contracts, { sites: [] });
  const site = 'site';
  const gateway = principalNames.gateway(site);
  const withGateway = kafkaAccessPlan(contracts, { sites: [site] });
  return {
    // The workloads' own principals, so that the chart names none by hand.
    principals: { registry: principalNames.registry, sink: principalNames.sink, console: principalNames.console },
    users: Object.fromEntries(plan.principals.map((principal) => [principal, strimziAcls(bindingsOf(plan, principal))])),
    gateway: { namePrefix: gateway.slice(0, -site.length), acls: strimziAcls(bindingsOf(withGateway, gateway)) },
  };
}

/** Each domain under domains/ with its jobs' groups and input topics, as its main wires them. */
export async function domainWorkloads(root: string): Promise<DomainWorkload[]> {
  const domains = await discoverDomains([join(root, 'domains')]);
  const catalog = await ContractCatalog.load(contractRootsOf(root, domains));
  return domains.map((domain) => ({
    name: domain.name,
    principal: principalNames.domain(domain.name),
    main: `domains/${domain.name}/src/main.ts`,
    jobs: wireDomain(domain, catalog).map((job) => ({ job: job.job, groupId: job.groupId, topic: job.input.topic })),
  }));
}

const header = (sources: string) => `# Generated by \`${HELM_VALUES_COMMAND}\` from ${sources} (platform/governance's topic specs and Kafka access plan); do not edit.\n`;

/** The chart's files generated from the contracts and the domains' declarations, rendered in memory. */
export async function generatedChartFiles(root: string): Promise<GeneratedChartFile[]> {
  const contracts = await loadAllContracts(root);
  const { principals, users, gateway } = strimziUsers(contracts);
  const kafkaSource = 'contracts/*/*.yaml';
  const domainSource = 'domains/*/src/*.domain.ts and their contracts';
  return [
    {
      path: `${CHART_DIR}/generated/kafka.yaml`,
      content: header(kafkaSource) + stringify({ topics: [...strimziTopics(contracts), ...(await platformTopics())], principals, users, gateway }, { lineWidth: 0 }),
      source: kafkaSource,
    },
    {
      path: `${CHART_DIR}/generated/domains.yaml`,
      content: header(domainSource) + stringify({ domains: await domainWorkloads(root) }, { lineWidth: 0 }),
      source: domainSource,
    },
  ];
}

/** One message per generated file that is missing or differs from what its sources generate. */
export function staleChartFiles(root: string, generated: readonly GeneratedChartFile[]): string[] {
  return generated.flatMap((file) => {
    const path = join(root, file.path);
    if (!existsSync(path)) return [`${file.path} is missing: it is generated from ${file.source}. Run \`${HELM_VALUES_COMMAND}\` and commit the result.`];
    if (readFileSync(path, 'utf8') !== file.content)
      return [`${file.path} is stale: it differs from what ${file.source} generates. Run \`${HELM_VALUES_COMMAND}\` and commit the result; do not edit it by hand.`];
    return [];
  });
}
