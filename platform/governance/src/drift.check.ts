import { dlqTopicFor, MIN_INSYNC_REPLICAS, replicationOnCluster, TopicNotFound, type KafkaAdminPort } from '@fieldmesh/kafka';
import type { LoadedContract } from './contract.loader';
import { minInSyncReplicasOf, type DataContract } from './contract.schema';
import { RegistryClient } from './provision.registry';
import { brokerCount, topicReplicationFactor, topicSpecFor, valueSubjectFor } from './provision.topic';

export type DriftTarget = 'topic' | 'registry' | 'table' | 'acl';

/** One difference between a contract and reality. Errors break the contract; warnings are worth a look. */
export interface DriftFinding {
  product: string;
  target: DriftTarget;
  /** What differs: `exists`, `partitions`, `replication.factor`, `min.insync.replicas`, `retention.ms`, `compatibility`, `schema`, `columns`, `ttl`… */
  field: string;
  expected: string;
  actual: string;
  severity: 'error' | 'warning';
}

/** A difference a table check found (the product and target are filled in by `checkDrift`). */
export type TableFinding = Omit<DriftFinding, 'product' | 'target'>;

/**
 * Compares a product's ClickHouse table with its contract. platform/warehouse implements it (it derives
 * the table from the contract and depends on this library, so it is injected rather than imported).
 */
export type TableCheck = (loaded: LoadedContract) => Promise<TableFinding[]>;

export interface DriftTargets {
  /** A connected admin client. */
  admin: KafkaAdminPort;
  registryUrl: string;
  /** The table check; without it tables are not checked (and `checkDrift` says nothing about them). */
  checkTable?: TableCheck;
}

async function topicDrift(contract: DataContract, admin: KafkaAdminPort, finding: Finder): Promise<DriftFinding[]> {
  const topic = contract.kafka.topic;
  const listed = new Set(await admin.listTopics());
  const dlq = listed.has(dlqTopicFor(topic)) ? [] : [finding('topic', 'dlq', dlqTopicFor(topic), 'missing', 'warning')];
  const missing = [finding('topic', 'exists', topic, 'missing'), ...dlq];
  if (!listed.has(topic)) return missing;
  let actual: Record<string, string>;
  let partitions: number;
  let replicationFactor: number;
  try {
    actual = await admin.describeTopicConfigs(topic);
    partitions = (await admin.fetchTopicEndOffsets(topic)).length;
    replicationFactor = await topicReplicationFactor(admin, topic);
  } catch (error) {
    // Deleted between the listing and the describe.
    if (error instanceof TopicNotFound) return missing;
    throw error;
  }
  const findings: DriftFinding[] = [];
  if (partitions !== contract.kafka.partitions) findings.push(finding('topic', 'partitions', String(contract.kafka.partitions), String(partitions)));
  // Replication as the cluster can give it: a contract asking for 3 on a 1-broker stack expects 1 (and min.insync.replicas 1).
  const brokers = await brokerCount(admin);
  const expected = replicationOnCluster(topicSpecFor(contract), brokers).spec;
  const cappedFrom = (wanted: number, given: number) => (given < wanted ? ` (the contract's ${wanted}, capped: ${brokers} broker(s))` : '');
  if (replicationFactor !== expected.replicationFactor) {
    findings.push(
      finding('topic', 'replication.factor', `${expected.replicationFactor}${cappedFrom(contract.kafka.replicationFactor, expected.replicationFactor)}`, String(replicationFactor)),
    );
  }
  for (const [name, value] of Object.entries(expected.configs ?? {})) {
    const capped = name === MIN_INSYNC_REPLICAS ? cappedFrom(minInSyncReplicasOf(contract), Number(value)) : '';
    if (actual[name] !== value) findings.push(finding('topic', name, `${value}${capped}`, actual[name] ?? '(unset)'));
  }
  return [...findings, ...dlq];
}

async function registryDrift(loaded: LoadedContract, registry: RegistryClient, finding: Finder): Promise<DriftFinding[]> {
  const { contract } = loaded;
  const subject = valueSubjectFor(contract);
  const findings: DriftFinding[] = [];
  const own = await registry.subjectCompatibility(subject);
  if (own === null) {
    const global = await registry.globalCompatibility();
    findings.push(
      finding(
        'registry',
        'compatibility',
        contract.compatibility,
        `${global} (global default; ${subject} has no level of its own)`,
        global === contract.compatibility ? 'warning' : 'error',
      ),
    );
  } else if (own !== contract.compatibility) {
    findings.push(finding('registry', 'compatibility', contract.compatibility, own));
  }
  const latest = await registry.latest(subject);
  if (!latest) return [...findings, finding('registry', 'schema', `${contract.schema.ref} registered under ${subject}`, 'subject has no schema')];
  const match = await registry.lookup(subject, JSON.stringify(loaded.avroSchema));
  if (!match)
    findings.push(
      finding(
        'registry',
        'schema',
        `latest version of ${subject} = ${contract.schema.ref}`,
        `latest is version ${latest.version} (id ${latest.id}); the contract's schema is not registered`,
      ),
    );
  else if (match.version !== latest.version) {
    findings.push(
      finding(
        'registry',
        'schema',
        `latest version of ${subject} = ${contract.schema.ref}`,
        `latest is version ${latest.version} (id ${latest.id}); the contract's schema is version ${match.version}`,
      ),
    );
  }
  return findings;
}

type Finder = (target: DriftTarget, field: string, expected: string, actual: string, severity?: DriftFinding['severity']) => DriftFinding;

/**
 * Every difference between a contract and its topic, registry subject and (when `checkTable` is given)
 * ClickHouse table. An empty list means reality matches the contract.
 */
export async function checkDrift(loaded: LoadedContract, targets: DriftTargets): Promise<DriftFinding[]> {
  const finding: Finder = (target, field, expected, actual, severity = 'error') => ({ product: loaded.contract.id, target, field, expected, actual, severity });
  const registry = new RegistryClient(targets.registryUrl);
  return [
    ...(await topicDrift(loaded.contract, targets.admin, finding)),
    ...(await registryDrift(loaded, registry, finding)),
    ...(targets.checkTable ? (await targets.checkTable(loaded)).map((f) => finding('table', f.field, f.expected, f.actual, f.severity)) : []),
  ];
}
