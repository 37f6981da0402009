import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { runCommand } from './command.runner';
import { KAFKA_ANONYMOUS_PRINCIPAL, KAFKA_SASL_MECHANISM, kafkaBrokerPrincipal, kafkaClusterId, kafkaLog4jProperties, kafkaServerProperties, type KafkaNode } from './kafka.config';
import { ensureKafkaRuntime } from './kafka.runtime';
import { KAFKA_SECURITY_ENV } from '@fieldmesh/config';
import { kafkaNodeId, kafkaNodeName, port, secret, type ServiceContext, type ServiceDefinition, type ServiceSettings, type StackAddresses } from './service';
import { readState } from './stack.state';
import { ensureStackCa, issueCertificate, stackPkiDir } from './stack.pki';

/** The stack's Kafka super user: the stack's own tools and the tests' admin; components get principals of their own. */
export const KAFKA_ADMIN_USER = 'admin';

function files(context: ServiceContext) {
  return {
    serverProperties: join(context.dir, 'server.properties'),
    log4jProperties: join(context.dir, 'log4j.properties'),
    dataDir: join(context.dir, 'data'),
  };
}

/**
 * The FIELDMESH_KAFKA_* environment that makes a platform Kafka client (see @fieldmesh/kafka) log in to
 * the stack's broker as `username`: for the processes the stack starts and for the tests' workers.
 */
export function kafkaClientEnv(addresses: StackAddresses, principal?: { username: string; password: string }): Record<string, string> {
  const { kafkaCaFile, kafkaSaslMechanism, kafkaSaslUsername, kafkaSaslPassword } = addresses;
  if (!kafkaCaFile || !kafkaSaslMechanism || !kafkaSaslUsername || !kafkaSaslPassword) throw new Error('the stack has no Kafka: start it with kafka');
  return {
    [KAFKA_SECURITY_ENV.protocol]: 'SASL_SSL',
    [KAFKA_SECURITY_ENV.caFile]: kafkaCaFile,
    [KAFKA_SECURITY_ENV.mechanism]: kafkaSaslMechanism,
    [KAFKA_SECURITY_ENV.username]: principal?.username ?? kafkaSaslUsername,
    [KAFKA_SECURITY_ENV.password]: principal?.password ?? kafkaSaslPassword,
  };
}

/** The CA certificate clients trust the broker by (created by prepare before the broker first starts). */
function ensureCaFile(stackDir: string): string {
  return join(stackPkiDir(stackDir), 'ca.pem');
}

function brokerAddress(settings: ServiceSettings): string {
  return `127.0.0.1:${port(settings, 'broker')}`;
}

/**
 * The port of the opt-in PLAINTEXT listener. It is not one of the service's port names: startStack
 * allocates it only for `kafka: { plaintextListener: true }`, and state.json keeping it keeps the listener
 * across restarts.
 */
export const KAFKA_PLAINTEXT_PORT = 'plaintext';

/** The warning the stack log and logs/kafka.log carry when the PLAINTEXT listener is on. */
export function kafkaPlaintextWarning(plaintextPort: number): string {
  return (
    `WARNING: Kafka PLAINTEXT listener on 127.0.0.1:${plaintextPort} (kafka.plaintextListener): no TLS, no authentication, ` +
    `its clients are ${KAFKA_ANONYMOUS_PRINCIPAL} with super-user rights; for measuring what security costs on this machine, never for a plant. ` +
    'Start the stack without kafka.plaintextListener to turn it off.'
  );
}

/** Certificates of several brokers are issued one at a time: openssl's serial file is shared by the CA. */
let certificateQueue: Promise<unknown> = Promise.resolve();

function issueBrokerCertificate(stackDir: string, nodeId: number) {
  const issued = certificateQueue.then(async () => {
    const ca = await ensureStackCa(stackPkiDir(stackDir));
    const certificate = await issueCertificate(ca, `kafka-broker-${nodeId}`, {
      commonName: kafkaBrokerPrincipal(nodeId),
      serverNames: ['127.0.0.1', 'localhost'],
      clientAuth: true,
    });
    return { ca, certificate };
  });
  certificateQueue = issued.catch(() => undefined);
  return issued;
}

/** Every Kafka node of the stack in `stackDir` with its ports, from state.json (each node lists all voters). */
export function kafkaCluster(stackDir: string): KafkaNode[] {
  return readState(stackDir).services.flatMap((service) => {
    const nodeId = kafkaNodeId(service.name);
    if (nodeId === undefined) return [];
    return [{ nodeId, brokerPort: port(service, 'broker'), internalPort: port(service, 'internal'), controllerPort: port(service, 'controller') }];
  });
}

/**
 * One node of the stack's Kafka (KRaft combined mode, from the official jars; see kafka.runtime.ts for the
 * version): `kafka` is node 1, a cluster adds `kafka-2`… Every node has its own ports, data, log and
 * certificate; they share the cluster id and the admin's password (generated once, copied by startStack).
 */
export function kafkaNodeService(nodeId: number): ServiceDefinition {
  return {
    name: kafkaNodeName(nodeId),
    portNames: ['broker', 'internal', 'controller'],
    createSecrets: () => ({ clusterId: kafkaClusterId(), adminPassword: randomBytes(24).toString('base64url') }),
    dependsOn: [],
    readyTimeoutMs: 90_000,

    async install(context) {
      await ensureKafkaRuntime(context.cacheDir);
    },

    async prepare(context) {
      const { libs, java } = await ensureKafkaRuntime(context.cacheDir);
      const paths = files(context);
      mkdirSync(paths.dataDir, { recursive: true });
      const { ca, certificate } = await issueBrokerCertificate(context.stackDir, nodeId);
      const admin = { username: KAFKA_ADMIN_USER, password: secret(context.settings, 'adminPassword') };
      const plaintextPort = context.settings.ports[KAFKA_PLAINTEXT_PORT];
      if (plaintextPort !== undefined) appendFileSync(context.logFile, `[${new Date().toISOString()}] ${kafkaPlaintextWarning(plaintextPort)}\n`);
      const cluster = kafkaCluster(context.stackDir);
      const node = cluster.find((member) => member.nodeId === nodeId);
      if (!node) throw new Error(`${context.stackDir}/state.json lists no Kafka node ${nodeId}`);
      writeFileSync(
        paths.serverProperties,
        kafkaServerProperties({
          node,
          cluster,
          dataDir: paths.dataDir,
          tls: { keystoreFile: certificate.bundleFile, caFile: ca.certFile },
          adminUsername: admin.username,
          ...(plaintextPort !== undefined ? { plaintextPort } : {}),
        }),
        { mode: 0o600 },
      );
      writeFileSync(paths.log4jProperties, kafkaLog4jProperties());
      const classpath = join(libs, '*');
      const log4j = `-Dlog4j.configuration=file:${paths.log4jProperties}`;
      // A restart after stopService keeps the data the first start formatted (and saves a JVM start).
      if (!existsSync(join(paths.dataDir, 'meta.properties'))) {
        // The admin's SCRAM credential goes into the first metadata (every node formats with it; the
        // quorum's first leader writes it and it replicates to all); the JVM reads the arguments from a
        // private file (java @argfile), so the password shows neither in `ps` nor in an error message.
        const argFile = join(context.dir, 'format.args');
        const scram = `${KAFKA_SASL_MECHANISM}=[name=${admin.username},password=${admin.password}]`;
        writeFileSync(
          argFile,
          ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'format', '-t', secret(context.settings, 'clusterId'), '-c', paths.serverProperties, '--add-scram', scram]
            .map((arg) => `"${arg}"`)
            .join('\n'),
          { mode: 0o600 },
        );
        try {
          await runCommand(java, [`@${argFile}`], { service: kafkaNodeName(nodeId), logFile: context.logFile });
        } finally {
          rmSync(argFile, { force: true });
        }
      }
      // Several JVMs share this machine's 2 cores with the rest of the stack: a cluster's nodes get smaller
      // heaps, the serial collector and the C1 compiler only (no C2 compiling beside the broker): a node
      // restarted after a kill -9 answered in 23 s instead of 65 s on a loaded box, at some peak throughput.
      const jvm = cluster.length > 1 ? ['-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'] : ['-Xmx768m', '-XX:+UseG1GC'];
      return {
        command: java,
        args: [...jvm, '-Djava.awt.headless=true', '-cp', classpath, log4j, 'kafka.Kafka', paths.serverProperties],
        cwd: context.dir,
      };
    },

    async probe(context) {
      // A metadata request, not only a TCP connect: the listener accepts before the broker has joined the
      // quorum, and a broker is ready once its metadata lists it and every other node (registered and unfenced).
      // Not kafkajs: its request queue arms a timer at `throttledUntil (-1) - Date.now()`, a negative delay
      // that Node 24 reports as TimeoutNegativeWarning on every stack start, then re-arms every millisecond.
      const admin = new Admin({
        clientId: 'fieldmesh-stack-probe',
        bootstrapBrokers: [brokerAddress(context.settings)],
        tls: { ca: readFileSync(ensureCaFile(context.stackDir)) },
        sasl: { mechanism: KAFKA_SASL_MECHANISM, username: KAFKA_ADMIN_USER, password: secret(context.settings, 'adminPassword') },
        connectTimeout: 1_000,
        requestTimeout: 2_000,
        retries: 0,
      });
      // A SASL answer after the probe gave up emits a second 'error' the library does not listen for (see
      // ignoreLateConnectionErrors in @fieldmesh/kafka): without a listener it would crash the stack's process.
      admin.connections.on('connecting', ({ connection }) => connection.on('error', () => undefined));
      // Every node of the cluster, not only this one: the nodes' metadata views converge asynchronously, and a
      // client bootstrapped through a node that did not list its peers yet saw a 2-broker cluster and made
      // topics with replication factor 2 (the capping admin), right after a 3-node stack was ready.
      const expected = kafkaCluster(context.stackDir).map((member) => member.nodeId);
      try {
        const metadata = await admin.metadata({ topics: [] });
        const missing = expected.filter((id) => !metadata.brokers.has(id));
        if (missing.length > 0)
          throw new Error(`broker ${nodeId}'s metadata does not list broker(s) ${missing.join(', ')} yet (it lists ${[...metadata.brokers.keys()].join(', ') || 'none'})`);
      } finally {
        await admin.close().catch(() => undefined);
      }
    },

    addresses(settings, stackDir) {
      const plaintextPort = settings.ports[KAFKA_PLAINTEXT_PORT];
      return {
        kafkaBrokers: brokerAddress(settings),
        ...(plaintextPort !== undefined ? { kafkaPlaintextBrokers: `127.0.0.1:${plaintextPort}` } : {}),
        kafkaCaFile: ensureCaFile(stackDir),
        kafkaSaslMechanism: KAFKA_SASL_MECHANISM,
        kafkaSaslUsername: KAFKA_ADMIN_USER,
        kafkaSaslPassword: secret(settings, 'adminPassword'),
      };
    },
  };
}

/** The single broker of a default stack, node 1 of a cluster. */
export const kafkaService: ServiceDefinition = kafkaNodeService(1);
