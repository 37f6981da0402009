import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clickhouseReplicaService, clickhouseService } from './clickhouse.service';
import { ServiceInstallError, ServiceStartError, UnknownServiceError } from './errors';
import { findFreePort } from './free-port';
import { KAFKA_PLAINTEXT_PORT, kafkaNodeService, kafkaPlaintextWarning, kafkaService } from './kafka.service';
import { logTail } from './log-tail';
import { mosquittoService } from './mosquitto.service';
import { REPO_ROOT, defaultCacheDir } from './paths';
import { watchOwner } from './stack.watchdog';
import { isRunning, killNow, launch, processStartTime, stopProcess } from './process.supervisor';
import { waitUntilReady } from './readiness';
import { registryService } from './registry.service';
import {
  SERVICE_NAMES,
  clickhouseReplicaId,
  clickhouseReplicaName,
  kafkaNodeId,
  kafkaNodeName,
  type ServiceContext,
  type ServiceDefinition,
  type ServiceName,
  type StackAddresses,
} from './service';
import { readState, stateFile, writeState, type ServiceState, type StackState } from './stack.state';
import { zookeeperService } from './zookeeper.service';

const DEFINITIONS: Record<(typeof SERVICE_NAMES)[number], ServiceDefinition> = {
  kafka: kafkaService,
  mosquitto: mosquittoService,
  clickhouse: clickhouseService,
  registry: registryService,
};

/** The definition of a service of the stack; the nodes of a Kafka cluster after the first are `kafka-<id>`. */
function definitionOf(name: ServiceName): ServiceDefinition {
  const nodeId = kafkaNodeId(name);
  if (nodeId !== undefined && nodeId > 1) return kafkaNodeService(nodeId);
  const replica = clickhouseReplicaId(name);
  if (replica !== undefined && replica > 1) return clickhouseReplicaService(replica);
  if (name === 'zookeeper') return zookeeperService;
  const definition = DEFINITIONS[name as keyof typeof DEFINITIONS];
  if (!definition) throw new UnknownServiceError(name, Object.keys(DEFINITIONS));
  return definition;
}

/**
 * The addresses of several services as one: a Kafka cluster's node addresses join into one bootstrap list
 * (`host:port,host:port`, as Kafka clients take it); the other services each have their own keys.
 */
function mergeAddresses(all: readonly StackAddresses[]): StackAddresses {
  const joined = (key: 'kafkaBrokers' | 'kafkaPlaintextBrokers' | 'clickhouseReplicaUrls') => {
    const values = all.map((addresses) => addresses[key]).filter((value): value is string => value !== undefined);
    return values.length > 0 ? { [key]: values.join(',') } : {};
  };
  return Object.assign({}, ...all, joined('kafkaBrokers'), joined('kafkaPlaintextBrokers'), joined('clickhouseReplicaUrls'));
}

/** The most Kafka nodes a stack runs: every one is a controller voter and a JVM on this machine. */
export const MAX_KAFKA_BROKERS = 9;

/** The most ClickHouse replicas a stack runs (one shard). */
export const MAX_CLICKHOUSE_REPLICAS = 3;

/** Everything the integration tests and `deploy/local` run, in start order. */
export function defaultServices(): ServiceName[] {
  return [...SERVICE_NAMES];
}

/**
 * 'session': the services die with this Node process, also when it exits without calling stop (tests).
 * 'detached': they outlive it until someone calls stop (`deploy/local up`, test workers restarting Kafka).
 */
export type StackLifetime = 'session' | 'detached';

export interface StartStackOptions {
  /** The stack's folder: configs, data, logs/, run/ (pid files) and state.json. Emptied first. */
  dir: string;
  services?: readonly ServiceName[];
  cacheDir?: string;
  lifetime?: StackLifetime;
  /** Progress lines (installs, each service ready and how long it took). */
  log?: (line: string) => void;
  kafka?: {
    /**
     * How many KRaft nodes (each broker and controller, 1 to MAX_KAFKA_BROKERS): 1 by default; 3 gives
     * topics replication factor 3 with min.insync.replicas 2, and survives the loss of any one node.
     * The first node is the service `kafka`, the others `kafka-2`, `kafka-3`…
     */
    brokers?: number;
    /**
     * Adds a PLAINTEXT listener (no TLS, no authentication; its clients are anonymous super users) beside
     * the SASL_SSL one, at `addresses.kafkaPlaintextBrokers`, with a warning in the stack log. Off by
     * default; for measuring what security costs (`npm run bench`), never for a plant.
     */
    plaintextListener?: boolean;
  };
  clickhouse?: {
    /**
     * How many ClickHouse servers (1 to MAX_CLICKHOUSE_REPLICAS): 1 by default; 2 or more run `clickhouse`,
     * `clickhouse-2`… as replicas of one shard in the `fieldmesh` cluster, coordinated by a `zookeeper` service.
     */
    replicas?: number;
  };
}

export interface ServiceStatus {
  name: ServiceName;
  running: boolean;
  pid: number | undefined;
  logFile: string;
  addresses: StackAddresses;
}

const noLog = () => undefined;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Each requested service after the ones it depends on; a missing dependency is an error, not a surprise. */
function startOrder(services: readonly ServiceName[]): ServiceName[] {
  for (const name of services) {
    const definition = definitionOf(name);
    const missing = definition.dependsOn.filter((dependency) => !services.includes(dependency));
    if (missing.length > 0) throw new Error(`${name} needs ${missing.join(', ')}: add it to the stack's services`);
  }
  const ordered: ServiceName[] = [];
  const visit = (name: ServiceName) => {
    if (ordered.includes(name)) return;
    definitionOf(name).dependsOn.forEach(visit);
    ordered.push(name);
  };
  [...new Set(services)].forEach(visit);
  return ordered;
}

/** `count` free ports, none of them in `taken` (the ports given to the stack's other services), which it extends. */
async function allocatePorts(count: number, taken: Set<number>): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const free = await findFreePort();
    if (taken.has(free)) continue;
    taken.add(free);
    ports.push(free);
  }
  return ports;
}

function asStartError(service: ServiceName, logFile: string, error: unknown): Error {
  if (error instanceof ServiceStartError || error instanceof ServiceInstallError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ServiceStartError(service, reason, logFile, logTail(logFile), { cause: error });
}

/** Like Promise.all, but waits for every promise: nothing may still be starting when the stack is torn down. */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

const sessionDirs = new Set<string>();

/** Kills a session stack's processes if this Node process exits or is signalled without stopping it. */
function killWithThisProcess(dir: string): void {
  if (sessionDirs.has(dir)) return;
  sessionDirs.add(dir);
  const killAll = () => {
    try {
      for (const service of readState(dir).services) if (service.process) killNow(service.process);
    } catch {
      // No state file (already stopped): nothing to kill.
    }
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // Alone, our listener would swallow the signal; then die of it as the process would have.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** A handle on a stack folder; every operation reads state.json fresh, so several processes can share one stack. */
export class Stack {
  constructor(
    readonly dir: string,
    private readonly log: (line: string) => void = noLog,
  ) {}

  get state(): StackState {
    return readState(this.dir);
  }

  /** Every address of every service in the stack (they stay the same across stopService/startService). */
  get addresses(): StackAddresses {
    return mergeAddresses(this.state.services.map((service) => definitionOf(service.name).addresses(service, this.dir)));
  }

  status(): ServiceStatus[] {
    return this.state.services.map((service) => ({
      name: service.name,
      running: service.process !== null && isRunning(service.process),
      pid: service.process?.pid,
      logFile: service.logFile,
      addresses: definitionOf(service.name).addresses(service, this.dir),
    }));
  }

  private service(name: ServiceName): ServiceState {
    const services = this.state.services;
    const found = services.find((service) => service.name === name);
    if (!found)
      throw new UnknownServiceError(
        name,
        services.map((service) => service.name),
      );
    return found;
  }

  private update(name: ServiceName, change: Partial<ServiceState>): void {
    const state = this.state;
    writeState({ ...state, services: state.services.map((service) => (service.name === name ? { ...service, ...change } : service)) });
  }

  private context(service: ServiceState): ServiceContext {
    const state = this.state;
    const before = state.services.slice(
      0,
      state.services.findIndex((other) => other.name === service.name),
    );
    return {
      dir: join(this.dir, service.name),
      stackDir: this.dir,
      logFile: service.logFile,
      cacheDir: state.cacheDir,
      repoRoot: REPO_ROOT,
      settings: { ports: service.ports, secrets: service.secrets },
      addresses: mergeAddresses(before.map((other) => definitionOf(other.name).addresses(other, this.dir))),
    };
  }

  /** Makes sure the service's binaries exist, installing what is missing. */
  async install(name: ServiceName): Promise<void> {
    const service = this.service(name);
    const started = Date.now();
    try {
      await definitionOf(name).install(this.context(service));
    } catch (error) {
      throw asStartError(name, service.logFile, error);
    }
    this.log(`${name} installed (checked in ${seconds(started)})`);
  }

  /** Starts a stopped service with the ports, secrets and data it had; resolves once it answers requests. */
  async startService(name: ServiceName): Promise<void> {
    const service = this.service(name);
    if (service.process && isRunning(service.process)) return;
    const definition = definitionOf(name);
    const context = this.context(service);
    const started = Date.now();
    try {
      mkdirSync(context.dir, { recursive: true });
      const spec = await definition.prepare(context);
      const launched = await launch({ ...spec, logFile: context.logFile });
      writeFileSync(join(this.dir, 'run', `${name}.pid`), `${launched.ref.pid}\n`);
      this.update(name, { process: launched.ref });
      await waitUntilReady(definition, context, launched);
    } catch (error) {
      await this.stopService(name);
      throw asStartError(name, context.logFile, error);
    }
    this.log(`${name} ready in ${seconds(started)}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; data and ports stay for startService. */
  async stopService(name: ServiceName, graceMs?: number): Promise<void> {
    const service = this.service(name);
    if (service.process) await stopProcess(service.process, graceMs);
    rmSync(join(this.dir, 'run', `${name}.pid`), { force: true });
    this.update(name, { process: null });
  }

  /**
   * kill -9 of the service's process group, as a crash or power cut would end it: no shutdown hook runs
   * (Kafka writes no clean-shutdown marker, Mosquitto keeps only its last autosave). Data and ports stay for startService.
   */
  async killService(name: ServiceName): Promise<void> {
    const service = this.service(name);
    if (service.process) killNow(service.process);
    // SIGKILL is taken before the SIGTERM stopService sends: this only waits for the group to be gone and clears the state.
    await this.stopService(name);
  }

  /** Stops every service, dependents first. Logs and data stay in the folder until the next start. */
  async stop(): Promise<void> {
    const services = [...this.state.services].reverse();
    for (const service of services) await this.stopService(service.name);
  }
}

/** A handle on the stack in `dir` (e.g. the test run's, from a test worker). Throws StackStateError when there is none. */
export function attachStack(dir: string, log?: (line: string) => void): Stack {
  const stack = new Stack(resolve(dir), log);
  void stack.state;
  return stack;
}

/** The stack in `dir` when it has state and all its processes are alive; otherwise undefined. */
export function runningStack(dir: string): Stack | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  try {
    const stack = attachStack(dir);
    return stack.status().every((service) => service.running) ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** Stops whatever processes `<dir>/state.json` still lists, e.g. left by a test run that was killed. */
async function stopLeftovers(dir: string): Promise<void> {
  if (!existsSync(stateFile(dir))) return;
  let stack: Stack;
  try {
    stack = attachStack(dir);
  } catch {
    return; // unreadable state: it names no process we could safely signal
  }
  await stack.stop();
}

/**
 * Stops and removes the stacks under `root` whose owning process is gone: test runs that were killed
 * before their teardown. Stacks of runs still going (several engineers, one working tree) are left alone.
 */
export async function removeAbandonedStacks(root: string): Promise<void> {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    let state: StackState;
    try {
      state = readState(dir);
    } catch {
      continue; // not a stack folder, or one being created right now
    }
    if (state.owner === null || isRunning(state.owner)) continue;
    await new Stack(dir).stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Installs what is missing, then starts the services on free 127.0.0.1 ports and waits until each answers.
 * If one cannot start, the ones already started are stopped and a ServiceStartError names it, says why
 * and shows the last lines of its log.
 */
export async function startStack(options: StartStackOptions): Promise<Stack> {
  const dir = resolve(options.dir);
  const log = options.log ?? noLog;
  const brokers = options.kafka?.brokers ?? 1;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_KAFKA_BROKERS) {
    throw new Error(`kafka.brokers is ${brokers}: a stack runs 1 to ${MAX_KAFKA_BROKERS} Kafka brokers (3 for replication factor 3)`);
  }
  const replicas = options.clickhouse?.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_CLICKHOUSE_REPLICAS) {
    throw new Error(`clickhouse.replicas is ${replicas}: a stack runs 1 to ${MAX_CLICKHOUSE_REPLICAS} ClickHouse servers (2 for a replicated one)`);
  }
  // A cluster's nodes start side by side: none is ready before a majority of the quorum runs.
  // ClickHouse replicas start beside their ZooKeeper too: each is ready once its ZooKeeper session is up.
  const order = startOrder(options.services ?? defaultServices()).flatMap((name) => {
    if (name === 'kafka') return Array.from({ length: brokers }, (_, index) => kafkaNodeName(index + 1));
    if (name === 'clickhouse' && replicas > 1) return ['zookeeper' as const, ...Array.from({ length: replicas }, (_, index) => clickhouseReplicaName(index + 1))];
    return [name];
  });
  const cacheDir = options.cacheDir ?? defaultCacheDir();

  await stopLeftovers(dir);
  if (existsSync(dir) && !existsSync(stateFile(dir)) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty and holds no stack (no state.json): choose an empty or new folder for the stack`);
  }
  rmSync(dir, { recursive: true, force: true });
  for (const folder of ['logs', 'run']) mkdirSync(join(dir, folder), { recursive: true });

  const services: ServiceState[] = [];
  // One cluster id and one admin password for all the nodes of a cluster.
  const kafkaSecrets = kafkaService.createSecrets();
  const taken = new Set<number>();
  for (const name of order) {
    const definition = definitionOf(name);
    const isKafka = kafkaNodeId(name) !== undefined;
    const portNames = isKafka && options.kafka?.plaintextListener ? [...definition.portNames, KAFKA_PLAINTEXT_PORT] : definition.portNames;
    const ports = await allocatePorts(portNames.length, taken);
    if (portNames.includes(KAFKA_PLAINTEXT_PORT)) log(`${name}: ${kafkaPlaintextWarning(ports[portNames.indexOf(KAFKA_PLAINTEXT_PORT)] as number)}`);
    services.push({
      name,
      ports: Object.fromEntries(portNames.map((portName, index) => [portName, ports[index] as number])),
      secrets: isKafka ? kafkaSecrets : definition.createSecrets(),
      logFile: join(dir, 'logs', `${name}.log`),
      process: null,
    });
  }
  const session = (options.lifetime ?? 'session') === 'session';
  const owner = session ? { pid: process.pid, startTime: processStartTime(process.pid) ?? '' } : null;
  writeState({ dir, cacheDir, createdAt: new Date().toISOString(), owner, services });
  if (session) killWithThisProcess(dir);
  if (owner?.startTime) watchOwner(dir, owner);

  const stack = new Stack(dir, log);
  const startedAt = Date.now();
  try {
    // Installs run side by side (apt calls queue on dpkg's lock; Maven runs beside them).
    await settleAll(order.map((name) => stack.install(name)));
    // Services whose dependencies are up start together: Kafka, Mosquitto and ClickHouse at once, then the registry.
    const pending = [...order];
    while (pending.length > 0) {
      const wave = pending.filter((name) => definitionOf(name).dependsOn.every((dependency) => !pending.includes(dependency)));
      await settleAll(wave.map((name) => stack.startService(name)));
      pending.splice(0, pending.length, ...pending.filter((name) => !wave.includes(name)));
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  log(`stack ready in ${seconds(startedAt)} (${dir})`);
  return stack;
}
