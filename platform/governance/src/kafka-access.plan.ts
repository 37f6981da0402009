import { aclKey, dlqTopicFor, type AclBinding, type AclOperation } from '@fieldmesh/kafka';
import type { LoadedContract } from './contract.loader';

/** Topics of the platform itself (not products): who may write them is fixed, not contract-driven. */
export const PLATFORM_TOPICS = {
  schemas: '_schemas',
  contractAudit: '_fieldmesh.contract-audit',
  lineage: '_fieldmesh.lineage',
  slo: '_fieldmesh.slo',
  /** Operators' commands to gateways (acknowledge an alarm condition), keyed by gateway id; GATEWAY_COMMANDS_TOPIC of @fieldmesh/connect. */
  gatewayCommands: '_fieldmesh.gateway-commands',
  /** Gateways' answers to those commands and their heartbeats, keyed by gateway id; GATEWAY_REPLIES_TOPIC of @fieldmesh/connect. */
  gatewayReplies: '_fieldmesh.gateway-replies',
  /** Each gateway's signed desired state, compacted, keyed by gateway id; GATEWAY_DESIRED_STATE_TOPIC of @fieldmesh/connect. */
  gatewayDesiredState: '_fieldmesh.gateway-desired-state',
  /** Every step of the fleet's rollouts (the audit trail); FLEET_ROLLOUTS_TOPIC of @fieldmesh/connect. */
  fleetRollouts: '_fieldmesh.fleet-rollouts',
  /** Prefix of the windowed jobs' checkpoint topics, `_fieldmesh.checkpoints.<groupId>`. */
  checkpoints: '_fieldmesh.checkpoints.',
} as const;

export const DEFAULT_PRINCIPAL_PREFIX = 'fieldmesh';

/**
 * The principal of each component kind: one SCRAM user each, named `User:<name>` in ACLs. The prefix keeps
 * environments sharing a cluster apart (and each is the only one managing its own principals' grants).
 */
export function principalNamesFor(prefix: string = DEFAULT_PRINCIPAL_PREFIX) {
  return {
    domain: (domain: string) => `${prefix}-domain-${domain}`,
    gateway: (site: string) => `${prefix}-gateway-${site}`,
    sink: `${prefix}-clickhouse-sink`,
    registry: `${prefix}-registry`,
    console: `${prefix}-console`,
    fleet: `${prefix}-fleet-operator`,
    slo: `${prefix}-slo-monitor`,
    analyst: `${prefix}-analyst`,
  };
}

export const principalNames = principalNamesFor();

export interface KafkaAccessPlanOptions {
  /** Sites whose gateways publish the source products (one principal per site: a gateway speaks for its site only). */
  sites: readonly string[];
  /** Principal names' prefix; DEFAULT_PRINCIPAL_PREFIX when absent. */
  principalPrefix?: string;
}

export interface KafkaAccessPlan {
  /** Every principal the plan grants something to. */
  principals: string[];
  bindings: AclBinding[];
}

const user = (name: string) => `User:${name}`;

function grants(
  principal: string,
  resourceType: AclBinding['resourceType'],
  resourceName: string,
  operations: readonly AclOperation[],
  patternType: AclBinding['patternType'] = 'LITERAL',
): AclBinding[] {
  return operations.map((operation) => ({ principal: user(principal), resourceType, resourceName, patternType, operation }));
}

const PRODUCE = ['WRITE', 'DESCRIBE'] as const;
const CONSUME = ['READ', 'DESCRIBE'] as const;
const DESCRIBE_CONFIGS = ['DESCRIBE_CONFIGS'] as const;

/**
 * Least privilege per component, from the contracts (IEC 62443: each component a zone, each grant a conduit):
 * - a domain writes its own products and their DLQs, reads its declared upstream (and dead-letters into
 *   its DLQ) and its own products (a job rebuilding state replays its output), consumes in groups `<domain>.…`
 *   and, run as several exactly-once instances, uses transactional ids `<domain>.…`;
 * - a site's gateway writes the source products (contracts without upstream) and their DLQs only, and reads
 *   the operators' commands (`_fieldmesh.gateway-commands`), which the console alone writes, and answers them
 *   (and sends heartbeats) on `_fieldmesh.gateway-replies`, which the console reads, and follows its desired
 *   state on `_fieldmesh.gateway-desired-state`, which the fleet operator (`fieldmesh fleet`) alone writes;
 * - the sink reads every product and writes their DLQs; analysts, the console and the SLO monitor read products;
 * - the console writes a product only where its contract names it among the topic's `kafka.writers` (people's
 *   alert workflow steps, which the product logs beside the domain's own);
 * - `_schemas` and `_fieldmesh.contract-audit` are the registry's alone; the SLO monitor alone writes `_fieldmesh.slo`;
 * - every producer of products reports its runs to `_fieldmesh.lineage`.
 * Creating topics and changing configs stays with the operators' admin (`fieldmesh products apply`).
 */
export function kafkaAccessPlan(contracts: readonly LoadedContract[], options: KafkaAccessPlanOptions): KafkaAccessPlan {
  const principalNames = principalNamesFor(options.principalPrefix);
  const products = contracts.map((loaded) => loaded.contract);
  const productTopics = products.map((contract) => contract.kafka.topic);
  const bindings: AclBinding[] = [];
  const domains = [...new Set(products.map((contract) => contract.domain))].sort();
  for (const domain of domains) {
    const principal = principalNames.domain(domain);
    const own = products.filter((contract) => contract.domain === domain);
    for (const contract of own) {
      bindings.push(...grants(principal, 'TOPIC', contract.kafka.topic, [...PRODUCE, 'READ', ...DESCRIBE_CONFIGS]));
      bindings.push(...grants(principal, 'TOPIC', dlqTopicFor(contract.kafka.topic), [...PRODUCE, ...DESCRIBE_CONFIGS]));
    }
    const upstream = new Set(own.flatMap((contract) => contract.upstream).filter((topic) => !own.some((contract) => contract.kafka.topic === topic)));
    for (const topic of [...upstream].sort()) {
      bindings.push(...grants(principal, 'TOPIC', topic, [...CONSUME, ...DESCRIBE_CONFIGS]));
      // An input record the job cannot take goes to its topic's DLQ, with the reason.
      bindings.push(...grants(principal, 'TOPIC', dlqTopicFor(topic), PRODUCE));
    }
    bindings.push(...grants(principal, 'GROUP', `${domain}.`, ['READ', 'DESCRIBE'], 'PREFIXED'));
    // Jobs run as several exactly-once instances produce and commit in transactions `<groupId>.<instance>`.
    bindings.push(...grants(principal, 'TRANSACTIONAL_ID', `${domain}.`, PRODUCE, 'PREFIXED'));
    // Windowed jobs keep their checkpoints in a topic per consumer group, made on first start (streams' CheckpointStore).
    bindings.push(...grants(principal, 'TOPIC', `${PLATFORM_TOPICS.checkpoints}${domain}.`, ['CREATE', ...PRODUCE, 'READ', ...DESCRIBE_CONFIGS], 'PREFIXED'));
    bindings.push(...grants(principal, 'TOPIC', PLATFORM_TOPICS.lineage, PRODUCE));
  }
  const sources = products.filter((contract) => contract.upstream.length === 0);
  for (const site of options.sites) {
    const principal = principalNames.gateway(site);
    for (const contract of sources) {
      // DESCRIBE_CONFIGS: the gateway checks the topic's retention against its buffer before it forwards.
      bindings.push(...grants(principal, 'TOPIC', contract.kafka.topic, [...PRODUCE, ...DESCRIBE_CONFIGS]));
      bindings.push(...grants(principal, 'TOPIC', dlqTopicFor(contract.kafka.topic), [...PRODUCE, ...DESCRIBE_CONFIGS]));
    }
    bindings.push(...grants(principal, 'TOPIC', PLATFORM_TOPICS.lineage, PRODUCE));
    // The gateway carries out operators' commands: it reads their topic (made on first start) in groups of its own.
    bindings.push(...grants(principal, 'TOPIC', PLATFORM_TOPICS.gatewayCommands, ['CREATE', ...CONSUME]));
    bindings.push(...grants(principal, 'GROUP', 'fieldmesh-gateway-commands.', ['READ', 'DESCRIBE'], 'PREFIXED'));
    // It answers them, and sends its heartbeats, on the replies topic (made on first start).
    bindings.push(...grants(principal, 'TOPIC', PLATFORM_TOPICS.gatewayReplies, ['CREATE', ...PRODUCE]));
    // It follows its desired state (the topic made on first start) in throw-away groups of its own; only what an operator certificate signed is applied.
    bindings.push(...grants(principal, 'TOPIC', PLATFORM_TOPICS.gatewayDesiredState, ['CREATE', ...CONSUME]));
    bindings.push(...grants(principal, 'GROUP', 'fieldmesh-gateway-desired-state.', ['READ', 'DESCRIBE'], 'PREFIXED'));
  }
  // `fieldmesh fleet` alone publishes desired states and records each rollout step; it follows the gateways' heartbeats.
  bindings.push(...grants(principalNames.fleet, 'TOPIC', PLATFORM_TOPICS.gatewayDesiredState, ['CREATE', ...PRODUCE, 'READ']));
  bindings.push(...grants(principalNames.fleet, 'TOPIC', PLATFORM_TOPICS.fleetRollouts, ['CREATE', ...PRODUCE, 'READ']));
  bindings.push(...grants(principalNames.fleet, 'TOPIC', PLATFORM_TOPICS.gatewayReplies, CONSUME));
  bindings.push(...grants(principalNames.fleet, 'GROUP', 'fieldmesh-fleet', ['READ', 'DESCRIBE'], 'PREFIXED'));
  // Only the console sends operators' commands to gateways, each with the operator's name (the audit trail).
  bindings.push(...grants(principalNames.console, 'TOPIC', PLATFORM_TOPICS.gatewayCommands, PRODUCE));
  // The console's fleet page follows the gateways' heartbeats and answers (and makes their topic when it starts before any gateway).
  bindings.push(...grants(principalNames.console, 'TOPIC', PLATFORM_TOPICS.gatewayReplies, ['CREATE', ...CONSUME]));
  // Its fleet page shows the rollouts of desired states from their audit trail (made by the console too when it starts first).
  bindings.push(...grants(principalNames.console, 'TOPIC', PLATFORM_TOPICS.fleetRollouts, ['CREATE', ...CONSUME]));
  for (const contract of products.filter((product) => product.kafka.writers?.includes('console'))) {
    bindings.push(...grants(principalNames.console, 'TOPIC', contract.kafka.topic, PRODUCE));
  }
  for (const topic of productTopics) {
    bindings.push(...grants(principalNames.sink, 'TOPIC', topic, CONSUME));
    bindings.push(...grants(principalNames.sink, 'TOPIC', dlqTopicFor(topic), PRODUCE));
    bindings.push(...grants(principalNames.console, 'TOPIC', topic, CONSUME));
    bindings.push(...grants(principalNames.slo, 'TOPIC', topic, CONSUME));
    bindings.push(...grants(principalNames.analyst, 'TOPIC', topic, CONSUME));
  }
  bindings.push(...grants(principalNames.sink, 'GROUP', 'fieldmesh.clickhouse-sink', ['READ', 'DESCRIBE'], 'PREFIXED'));
  bindings.push(...grants(principalNames.sink, 'TOPIC', PLATFORM_TOPICS.lineage, PRODUCE));
  // The registry owns its two topics (it makes them on first start, as Confluent's makes _schemas) and follows them in groups `fieldmesh-registry…`.
  for (const topic of [PLATFORM_TOPICS.schemas, PLATFORM_TOPICS.contractAudit])
    bindings.push(...grants(principalNames.registry, 'TOPIC', topic, ['CREATE', ...PRODUCE, 'READ', ...DESCRIBE_CONFIGS]));
  bindings.push(...grants(principalNames.registry, 'GROUP', 'fieldmesh-registry', ['READ', 'DESCRIBE'], 'PREFIXED'));
  for (const topic of [PLATFORM_TOPICS.contractAudit, PLATFORM_TOPICS.lineage, PLATFORM_TOPICS.slo]) bindings.push(...grants(principalNames.console, 'TOPIC', topic, CONSUME));
  // The console's views follow their topics in throw-away groups `fieldmesh-console-<view>-<uuid>` (TopicFollower).
  bindings.push(...grants(principalNames.console, 'GROUP', 'fieldmesh-console-', ['READ', 'DESCRIBE'], 'PREFIXED'));
  // The monitor makes its output topic on first start and reads products in groups `fieldmesh-slo-monitor-<uuid>`.
  bindings.push(...grants(principalNames.slo, 'TOPIC', PLATFORM_TOPICS.slo, ['CREATE', ...PRODUCE]));
  bindings.push(...grants(principalNames.slo, 'GROUP', 'fieldmesh-slo-monitor-', ['READ', 'DESCRIBE'], 'PREFIXED'));
  bindings.push(...grants(principalNames.analyst, 'GROUP', 'analyst.', ['READ', 'DESCRIBE'], 'PREFIXED'));
  const unique = [...new Map(bindings.map((binding) => [aclKey(binding), binding])).values()];
  return { principals: [...new Set(unique.map((binding) => binding.principal.slice('User:'.length)))].sort(), bindings: unique };
}

export interface AclDrift {
  /** Granted by the plan, missing on the cluster. */
  missing: AclBinding[];
  /** On the cluster for a principal the plan manages, granted by no contract: a privilege nobody declared. */
  unexpected: AclBinding[];
}

/** Compares the cluster's ACLs with the plan, for the principals the plan manages (others, e.g. people's, are not ours). */
export function aclDrift(plan: KafkaAccessPlan, actual: readonly AclBinding[]): AclDrift {
  const planned = new Set(plan.bindings.map(aclKey));
  const managed = new Set(plan.principals.map(user));
  const present = new Set(actual.map(aclKey));
  return {
    missing: plan.bindings.filter((binding) => !present.has(aclKey(binding))),
    unexpected: actual.filter((binding) => managed.has(binding.principal) && !planned.has(aclKey(binding))),
  };
}
