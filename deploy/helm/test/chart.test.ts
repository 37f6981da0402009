import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FLEET_ROLLOUTS_TOPIC, GATEWAY_COMMANDS_TOPIC, GATEWAY_DESIRED_STATE_TOPIC, GATEWAY_REPLIES_TOPIC } from '@fieldmesh/connect';
import { clickhouseSinkConfigSchema } from '@fieldmesh/connector-clickhouse-sink';
import { gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { dlqTopicSpecFor, kafkaAccessPlan, loadAllContracts, principalNames, topicSpecFor, type LoadedContract } from '@fieldmesh/governance';
import { LINEAGE_TOPIC } from '@fieldmesh/lineage';
import { discoverDomains, domainConfigSchema, REPO_ROOT } from '@fieldmesh/products';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { strimziAcls } from '../src/chart-values';
import { ensureHelm } from '../src/helm.binary';

const run = promisify(execFile);
const CHART = join(REPO_ROOT, 'deploy/helm/fieldmesh');
const VALUES = join(REPO_ROOT, 'deploy/helm/test/two-sites.values.yaml');
const SITES = ['berlin', 'lyon'];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  name: string;
  livenessProbe?: object;
  readinessProbe?: object;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
}

let helm: string;
let manifests: Manifest[];
let contracts: LoadedContract[];

const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const podSpecOf = (workload: Manifest) => (workload.spec as { template: { spec: PodSpec } }).template.spec;
const configOf = (name: string, key: string) => parseAllDocuments(ofKind('ConfigMap').find((map) => map.metadata.name === name)!.data![key]!)[0]!.toJS() as Record<string, unknown>;

beforeAll(async () => {
  // The first build compiles Helm and client-go (minutes on a busy 2-core box); later runs reuse the binary.
  const built = await ensureHelm();
  if (built.builtInMs !== undefined) console.log(`[fieldmesh helm] built ${built.helm} in ${(built.builtInMs / 1000).toFixed(0)} s`);
  helm = built.helm;
  const { stdout } = await run(helm, ['template', 'plant', CHART, '--namespace', 'fieldmesh', '-f', VALUES], { maxBuffer: 64 * 1024 * 1024 });
  manifests = parseAllDocuments(stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
  contracts = await loadAllContracts(REPO_ROOT);
}, 25 * 60_000);

describe('the Helm chart', () => {
  it('passes helm lint, with the default values and with two sites and autoscaling', async () => {
    for (const values of [[], ['-f', VALUES]]) {
      const { stdout } = await run(helm, ['lint', CHART, '--strict', ...values]);
      expect(stdout).toContain('0 chart(s) failed');
    }
  });

  it('refuses values its schema does not allow, naming the field', async () => {
    const rendering = run(helm, ['template', 'plant', CHART, '-f', VALUES, '--set', 'gateways.sites[1].name=Lyon_2']);
    await expect(rendering).rejects.toThrow(/\/gateways\/sites\/1\/name.*Lyon_2/);
  });

  it("declares every contract's topic and DLQ as a KafkaTopic with the contract's partitions, replication and retention", () => {
    const topics = new Map(ofKind('KafkaTopic').map((topic) => [(topic.spec as { topicName: string }).topicName, topic.spec as Record<string, unknown>]));
    expect(contracts.length).toBeGreaterThan(0);
    for (const { contract } of contracts) {
      for (const spec of [topicSpecFor(contract), dlqTopicSpecFor(contract)]) {
        expect(topics.get(spec.topic), spec.topic).toEqual({ topicName: spec.topic, partitions: spec.partitions, replicas: spec.replicationFactor, config: spec.configs });
      }
    }
    expect(topics.get(LINEAGE_TOPIC)).toMatchObject({ partitions: 1, config: { 'cleanup.policy': 'compact' } });
    // One partition: the operators' commands stay in the order they were given.
    expect(topics.get(GATEWAY_COMMANDS_TOPIC)).toMatchObject({ partitions: 1, config: { 'retention.ms': String(30 * 24 * 3_600_000) } });
    expect(topics.get(GATEWAY_REPLIES_TOPIC)).toMatchObject({ config: { 'retention.ms': String(30 * 24 * 3_600_000) } });
    // The latest desired state per gateway stays; the rollout audit trail a year.
    expect(topics.get(GATEWAY_DESIRED_STATE_TOPIC)).toMatchObject({ partitions: 1, config: { 'cleanup.policy': 'compact' } });
    expect(topics.get(FLEET_ROLLOUTS_TOPIC)).toMatchObject({ config: { 'retention.ms': String(365 * 24 * 3_600_000) } });
    expect(topics.size).toBe(contracts.length * 2 + 5);
  });

  it('declares every topic a principal writes but may not create, so that no component depends on a topic nobody makes', () => {
    const plan = kafkaAccessPlan(contracts, { sites: SITES });
    const declared = new Set(ofKind('KafkaTopic').map((topic) => (topic.spec as { topicName: string }).topicName));
    const mayCreate = (principal: string, topic: string) =>
      plan.bindings.some(
        (binding) =>
          binding.principal === principal &&
          binding.resourceType === 'TOPIC' &&
          binding.operation === 'CREATE' &&
          (binding.patternType === 'LITERAL' ? binding.resourceName === topic : topic.startsWith(binding.resourceName)),
      );
    const writes = plan.bindings.filter((binding) => binding.resourceType === 'TOPIC' && binding.operation === 'WRITE' && binding.patternType === 'LITERAL');
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes)
      expect(declared.has(write.resourceName) || mayCreate(write.principal, write.resourceName), `${write.principal} writes ${write.resourceName}`).toBe(true);
  });

  it("declares every component's principal as a KafkaUser with exactly the ACLs of the Kafka access plan, a gateway user per site", () => {
    const plan = kafkaAccessPlan(contracts, { sites: SITES });
    const users = new Map(ofKind('KafkaUser').map((user) => [user.metadata.name, user.spec as { authentication: { type: string }; authorization: { acls: unknown[] } }]));
    expect([...users.keys()].sort()).toEqual(plan.principals);
    for (const site of SITES) expect(users.has(principalNames.gateway(site))).toBe(true);
    for (const principal of plan.principals) {
      const user = users.get(principal)!;
      expect(user.authentication.type).toBe('scram-sha-512');
      expect(user.authorization.acls, principal).toEqual(strimziAcls(plan.bindings.filter((binding) => binding.principal === `User:${principal}`)));
    }
  });

  it('runs a gateway per site, each domain, the registry, the console and the sink, each with probes, requests and limits, and the restricted security context', () => {
    const workloads = ofKind('Deployment');
    const names = workloads.map((workload) => workload.metadata.name).sort();
    expect(names).toEqual(
      [
        'plant-clickhouse-sink',
        'plant-console',
        'plant-domain-asset-health',
        'plant-domain-energy',
        'plant-domain-plant-telemetry',
        'plant-gateway-berlin',
        'plant-gateway-lyon',
        'plant-registry',
      ].sort(),
    );
    for (const workload of workloads) {
      const pod = podSpecOf(workload);
      const name = workload.metadata.name;
      expect(pod.securityContext, name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext, `${name}/${container.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(Object.keys(container.resources?.requests ?? {}).sort(), `${name}/${container.name} requests`).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources?.limits ?? {}).sort(), `${name}/${container.name} limits`).toEqual(['cpu', 'memory']);
      }
      for (const container of pod.containers) {
        expect(container.livenessProbe, `${name} liveness`).toBeDefined();
        expect(container.readinessProbe, `${name} readiness`).toBeDefined();
      }
    }
  });

  it("probes the endpoints the services serve: /health for domains and the sink, a gateway's readiness on /health but its liveness not", () => {
    const container = (name: string) => podSpecOf(ofKind('Deployment').find((workload) => workload.metadata.name === name)!).containers[0]!;
    expect(container('plant-domain-energy').readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'metrics' } });
    expect(container('plant-clickhouse-sink').livenessProbe).toMatchObject({ httpGet: { path: '/health' } });
    // /health is 503 while Kafka is away and the buffer fills: restarting would not help.
    expect(container('plant-gateway-berlin').readinessProbe).toMatchObject({ httpGet: { path: '/health' } });
    expect(container('plant-gateway-berlin').livenessProbe).toMatchObject({ httpGet: { path: '/metrics' } });
    expect(container('plant-registry').livenessProbe).toMatchObject({ httpGet: { path: '/', httpHeaders: [{ name: 'Host', value: 'localhost' }] } });
    expect(JSON.stringify(container('plant-console').livenessProbe)).toContain('http://127.0.0.1:8090/api/openapi.json');
  });

  it('gives every gateway, domain and the sink a config its own schema accepts', async () => {
    for (const site of SITES) {
      const parsed = gatewayConfigSchema.safeParse(configOf(`plant-gateway-${site}`, 'gateway.yaml'));
      expect(parsed.error?.issues, site).toBeUndefined();
      expect(parsed.data?.gatewayId).toBe(`gw-${site}`);
    }
    for (const domain of await discoverDomains([join(REPO_ROOT, 'domains')])) {
      const parsed = domainConfigSchema(domain).safeParse(configOf(`plant-domain-${domain.name}`, 'domain.yaml'));
      expect(parsed.error?.issues, domain.name).toBeUndefined();
      expect(parsed.data?.provision, domain.name).toBe(false);
      expect(existsSync(join(REPO_ROOT, `domains/${domain.name}/src/main.ts`)), `domains/${domain.name}/src/main.ts`).toBe(true);
    }
    const sink = clickhouseSinkConfigSchema.safeParse(configOf('plant-clickhouse-sink', 'sink.yaml'));
    expect(sink.error?.issues).toBeUndefined();
  });

  it("scales each domain on its jobs' consumer lag with KEDA, one trigger per consumer group", () => {
    const scaled = ofKind('ScaledObject');
    expect(scaled.map((object) => object.metadata.name).sort()).toEqual(['plant-domain-asset-health', 'plant-domain-energy', 'plant-domain-plant-telemetry']);
    const energy = scaled.find((object) => object.metadata.name === 'plant-domain-energy')!.spec as { triggers: Array<{ type: string; metadata: Record<string, string> }> };
    expect(energy.triggers).toEqual([
      expect.objectContaining({
        type: 'kafka',
        metadata: expect.objectContaining({ consumerGroup: 'energy.consumption-15m', topic: 'plant.telemetry.clean.v1', sasl: 'scram_sha512' }),
      }),
    ]);
  });

  it('installs a replicated ClickHouse with Keeper, and a KRaft Kafka with SCRAM and simple authorization', () => {
    const [installation] = ofKind('ClickHouseInstallation');
    const cluster = (installation!.spec as { configuration: { clusters: Array<{ layout: Record<string, number> }>; zookeeper: { nodes: unknown[] } } }).configuration;
    expect(cluster.clusters[0]!.layout).toEqual({ shardsCount: 1, replicasCount: 2 });
    expect(cluster.zookeeper.nodes).toHaveLength(1);
    expect(ofKind('ClickHouseKeeperInstallation')).toHaveLength(1);
    const kafka = ofKind('Kafka')[0]!.spec as { kafka: { listeners: Array<{ authentication: { type: string } }>; authorization: { type: string } } };
    expect(kafka.kafka.listeners[0]!.authentication.type).toBe('scram-sha-512');
    expect(kafka.kafka.authorization.type).toBe('simple');
    expect(ofKind('KafkaNodePool')[0]!.spec).toMatchObject({ replicas: 3, roles: ['controller', 'broker'] });
  });
});
