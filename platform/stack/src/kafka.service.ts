import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { runCommand } from './command.runner';
import { KAFKA_ANONYMOUS_PRINCIPAL, KAFKA_BROKER_PRINCIPAL, KAFKA_SASL_MECHANISM, kafkaClusterId, kafkaLog4jProperties, kafkaServerProperties } from './kafka.config';
import { ensureKafkaRuntime } from './kafka.runtime';
import { KAFKA_SECURITY_ENV } from '@fieldmesh/config';
import { port, secret, type ServiceContext, type ServiceDefinition, type ServiceSettings, type StackAddresses } from './service';
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

function brokers(settings: ServiceSettings): string {
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

/** Apache Kafka in KRaft combined mode from the official jars (see kafka.runtime.ts for the version). */
export const kafkaService: ServiceDefinition = {
  name: 'kafka',
  portNames: ['broker', 'controller'],
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
    const ca = await ensureStackCa(stackPkiDir(context.stackDir));
    const broker = await issueCertificate(ca, 'kafka-broker', { commonName: KAFKA_BROKER_PRINCIPAL, serverNames: ['127.0.0.1', 'localhost'], clientAuth: true });
    const admin = { username: KAFKA_ADMIN_USER, password: secret(context.settings, 'adminPassword') };
    const plaintextPort = context.settings.ports[KAFKA_PLAINTEXT_PORT];
    if (plaintextPort !== undefined) appendFileSync(context.logFile, `[${new Date().toISOString()}] ${kafkaPlaintextWarning(plaintextPort)}\n`);
    writeFileSync(
      paths.serverProperties,
      kafkaServerProperties({
        brokerPort: port(context.settings, 'broker'),
        controllerPort: port(context.settings, 'controller'),
        dataDir: paths.dataDir,
        tls: { keystoreFile: broker.bundleFile, caFile: ca.certFile },
        admin,
        ...(plaintextPort !== undefined ? { plaintextPort } : {}),
      }),
      { mode: 0o600 },
    );
    writeFileSync(paths.log4jProperties, kafkaLog4jProperties());
    const classpath = join(libs, '*');
    const log4j = `-Dlog4j.configuration=file:${paths.log4jProperties}`;
    // A restart after stopService keeps the data the first start formatted (and saves a JVM start).
    if (!existsSync(join(paths.dataDir, 'meta.properties'))) {
      // The admin's SCRAM credential goes into the first metadata; the JVM reads the arguments from a
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
        await runCommand(java, [`@${argFile}`], { service: 'kafka', logFile: context.logFile });
      } finally {
        rmSync(argFile, { force: true });
      }
    }
    return {
      command: java,
      args: ['-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', '-cp', classpath, log4j, 'kafka.Kafka', paths.serverProperties],
      cwd: context.dir,
    };
  },

  async probe(context) {
    // A metadata request, not only a TCP connect: the listener accepts before the broker has joined the quorum.
    // Not kafkajs: its request queue arms a timer at `throttledUntil (-1) - Date.now()`, a negative delay that
    // Node 24 reports as TimeoutNegativeWarning on every stack start, then re-arms every millisecond.
    const admin = new Admin({
      clientId: 'fieldmesh-stack-probe',
      bootstrapBrokers: [brokers(context.settings)],
      tls: { ca: readFileSync(ensureCaFile(context.stackDir)) },
      sasl: { mechanism: KAFKA_SASL_MECHANISM, username: KAFKA_ADMIN_USER, password: secret(context.settings, 'adminPassword') },
      connectTimeout: 1_000,
      requestTimeout: 2_000,
      retries: 0,
    });
    try {
      const metadata = await admin.metadata({ topics: [] });
      if (metadata.brokers.size === 0) throw new Error('the broker answered metadata without any broker');
    } finally {
      await admin.close().catch(() => undefined);
    }
  },

  addresses(settings, stackDir) {
    const plaintextPort = settings.ports[KAFKA_PLAINTEXT_PORT];
    return {
      kafkaBrokers: brokers(settings),
      ...(plaintextPort !== undefined ? { kafkaPlaintextBrokers: `127.0.0.1:${plaintextPort}` } : {}),
      kafkaCaFile: ensureCaFile(stackDir),
      kafkaSaslMechanism: KAFKA_SASL_MECHANISM,
      kafkaSaslUsername: KAFKA_ADMIN_USER,
      kafkaSaslPassword: secret(settings, 'adminPassword'),
    };
  },
};
