import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { runCommand } from './command.runner';
import { kafkaClusterId, kafkaLog4jProperties, kafkaServerProperties } from './kafka.config';
import { ensureKafkaRuntime } from './kafka.runtime';
import { port, secret, type ServiceContext, type ServiceDefinition, type ServiceSettings } from './service';

function files(context: ServiceContext) {
  return {
    serverProperties: join(context.dir, 'server.properties'),
    log4jProperties: join(context.dir, 'log4j.properties'),
    dataDir: join(context.dir, 'data'),
  };
}

function brokers(settings: ServiceSettings): string {
  return `127.0.0.1:${port(settings, 'broker')}`;
}

/** Apache Kafka in KRaft combined mode from the official jars (see kafka.runtime.ts for the version). */
export const kafkaService: ServiceDefinition = {
  name: 'kafka',
  portNames: ['broker', 'controller'],
  createSecrets: () => ({ clusterId: kafkaClusterId() }),
  dependsOn: [],
  readyTimeoutMs: 90_000,

  async install(context) {
    await ensureKafkaRuntime(context.cacheDir);
  },

  async prepare(context) {
    const { libs, java } = await ensureKafkaRuntime(context.cacheDir);
    const paths = files(context);
    mkdirSync(paths.dataDir, { recursive: true });
    writeFileSync(
      paths.serverProperties,
      kafkaServerProperties({ brokerPort: port(context.settings, 'broker'), controllerPort: port(context.settings, 'controller'), dataDir: paths.dataDir }),
    );
    writeFileSync(paths.log4jProperties, kafkaLog4jProperties());
    const classpath = join(libs, '*');
    const log4j = `-Dlog4j.configuration=file:${paths.log4jProperties}`;
    // A restart after stopService keeps the data the first start formatted (and saves a JVM start).
    if (!existsSync(join(paths.dataDir, 'meta.properties')))
      await runCommand(java, ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'format', '-t', secret(context.settings, 'clusterId'), '-c', paths.serverProperties], {
        service: 'kafka',
        logFile: context.logFile,
      });
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
    const admin = new Admin({ clientId: 'fieldmesh-stack-probe', bootstrapBrokers: [brokers(context.settings)], connectTimeout: 1_000, requestTimeout: 2_000, retries: 0 });
    try {
      const metadata = await admin.metadata({ topics: [] });
      if (metadata.brokers.size === 0) throw new Error('the broker answered metadata without any broker');
    } finally {
      await admin.close().catch(() => undefined);
    }
  },

  addresses(settings) {
    return { kafkaBrokers: brokers(settings) };
  },
};
