import type { LaunchSpec } from './process.supervisor';

export const SERVICE_NAMES = ['kafka', 'mosquitto', 'clickhouse', 'registry'] as const;
/**
 * A Kafka cluster's first node is `kafka` (the single broker of a default stack); the others `kafka-2`, `kafka-3`…
 * Replicated ClickHouse adds `clickhouse-2`… and `zookeeper`, which no default stack runs.
 */
export type ServiceName = (typeof SERVICE_NAMES)[number] | `kafka-${number}` | `clickhouse-${number}` | 'zookeeper';

/** The number of a service that runs as several numbered nodes: `<base>` is node 1, then `<base>-2`, `<base>-3`… */
function nodeNumber(base: 'kafka' | 'clickhouse', name: string): number | undefined {
  if (name === base) return 1;
  const match = new RegExp(`^${base}-([2-9]|[1-9]\\d+)$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The node id of a Kafka service name (`kafka` is node 1), or undefined for another service. */
export function kafkaNodeId(name: string): number | undefined {
  return nodeNumber('kafka', name);
}

export function kafkaNodeName(nodeId: number): ServiceName {
  return nodeId === 1 ? 'kafka' : `kafka-${nodeId}`;
}

/** The replica number of a ClickHouse service name (`clickhouse` is replica 1), or undefined for another service. */
export function clickhouseReplicaId(name: string): number | undefined {
  return nodeNumber('clickhouse', name);
}

export function clickhouseReplicaName(replica: number): ServiceName {
  return replica === 1 ? 'clickhouse' : `clickhouse-${replica}`;
}

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name) || kafkaNodeId(name) !== undefined || clickhouseReplicaId(name) !== undefined || name === 'zookeeper';
}

/** Where the stack's services listen; a service that is not part of the stack leaves its keys out. */
export interface StackAddresses {
  /** host:port of the SASL_SSL listener, comma-separated like every Kafka client expects. */
  kafkaBrokers?: string;
  /** The stack CA's certificate (PEM): clients verify the broker with it. */
  kafkaCaFile?: string;
  kafkaSaslMechanism?: string;
  /** The stack's Kafka super user (its tools and the tests); components have principals of their own. */
  kafkaSaslUsername?: string;
  kafkaSaslPassword?: string;
  /**
   * host:port of the PLAINTEXT listener (no TLS, no authentication), present only when the stack was
   * started with `kafka: { plaintextListener: true }` (the bench's "security off" side).
   */
  kafkaPlaintextBrokers?: string;
  mqttUrl?: string;
  clickhouseUrl?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  /** Every replica's HTTP URL, comma-separated, when the stack runs replicated ClickHouse (`clickhouse: { replicas }`). */
  clickhouseReplicaUrls?: string;
  /** The `remote_servers` cluster of the replicas (one shard): ON CLUSTER DDL and Distributed tables name it. */
  clickhouseCluster?: string;
  /** host:port of the ZooKeeper the replicas coordinate through. */
  zookeeperAddress?: string;
  registryUrl?: string;
  /** A service principal's token for the governed registry (registers schemas); FIELDMESH_REGISTRY_TOKEN for clients. */
  registryToken?: string;
  /** The file holding registryToken alone (0600): `export FIELDMESH_REGISTRY_TOKEN=$(cat <file>)`. */
  registryTokenFile?: string;
  /** A governance lead's token (compatibility levels, baselines, reviews): what provisioning needs. */
  registryLeadToken?: string;
  registryLeadTokenFile?: string;
}

/** What a service keeps across restarts: its ports and generated secrets (stored in state.json). */
export interface ServiceSettings {
  ports: Record<string, number>;
  secrets: Record<string, string>;
}

export interface ServiceContext {
  /** The service's own folder inside the stack folder: configs and data. */
  dir: string;
  /** The stack's folder (its PKI is in `pki/`, see stack.pki.ts). */
  stackDir: string;
  logFile: string;
  cacheDir: string;
  repoRoot: string;
  settings: ServiceSettings;
  /** Addresses of the services started before this one (the registry needs Kafka's). */
  addresses: StackAddresses;
}

/**
 * One service of the stack. The stack calls install, then prepare and launch, then probe until it
 * answers; startService after a stopService runs prepare again on the same settings and data.
 */
export interface ServiceDefinition {
  name: ServiceName;
  portNames: readonly string[];
  /** Generated once when the stack is created and kept across restarts (e.g. Kafka's cluster id). */
  createSecrets(): Record<string, string>;
  dependsOn: readonly ServiceName[];
  readyTimeoutMs: number;
  /** Makes sure the binaries exist (installing them when missing); idempotent. */
  install(context: ServiceContext): Promise<void>;
  /** Writes configuration (and formats storage) and says how to run the process. */
  prepare(context: ServiceContext): Promise<Omit<LaunchSpec, 'logFile'>>;
  /** One readiness attempt with a real request; throws the reason it is not ready. */
  probe(context: ServiceContext): Promise<void>;
  addresses(settings: ServiceSettings, stackDir: string): StackAddresses;
}

export function port(settings: ServiceSettings, name: string): number {
  const value = settings.ports[name];
  if (value === undefined) throw new Error(`no port '${name}' allocated (have ${Object.keys(settings.ports).join(', ')})`);
  return value;
}

export function secret(settings: ServiceSettings, name: string): string {
  const value = settings.secrets[name];
  if (value === undefined) throw new Error(`no secret '${name}' generated (have ${Object.keys(settings.secrets).join(', ')})`);
  return value;
}
