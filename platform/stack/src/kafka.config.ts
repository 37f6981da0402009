import { randomBytes } from 'node:crypto';

export interface KafkaConfigInput {
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
}

/**
 * A single KRaft node in combined mode (broker and controller in one JVM), bound to 127.0.0.1.
 * Replication factors are 1 because there is one broker; topics are created explicitly by the code that
 * owns them (from contracts), so auto-creation stays off and a typo fails instead of making a topic.
 */
export function kafkaServerProperties(input: KafkaConfigInput): string {
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${input.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${input.brokerPort},CONTROLLER://127.0.0.1:${input.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${input.brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${input.dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Consumers in tests join alone: waiting 3 s for more members only slows every test down.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The broker logs through stdout, which the supervisor appends to logs/kafka.log: one file per service,
 * and JVM errors from before log4j starts land in the same place. Request and state-change logs are
 * kept at WARN; at INFO they record every request of every test.
 */
export function kafkaLog4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.controller=INFO',
    'log4j.logger.org.apache.kafka.controller=INFO',
    '',
  ].join('\n');
}

/** A cluster id as `kafka-storage random-uuid` prints it: 16 random bytes, base64url without padding. */
export function kafkaClusterId(): string {
  return randomBytes(16).toString('base64url');
}
