import { randomBytes } from 'node:crypto';

export interface KafkaConfigInput {
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
  /** PEM files of the broker's TLS identity; it serves both listeners. */
  tls: { keystoreFile: string; caFile: string };
  /** The SCRAM super user the broker itself logs in as (and the stack's admin tools). */
  admin: { username: string; password: string };
  /**
   * Opt-in, for measuring what security costs (`npm run bench`): a second client listener,
   * `PLAINTEXT://127.0.0.1:<port>`, without TLS or authentication. Its clients are `User:ANONYMOUS`, made a
   * super user so that they need no ACLs. Absent by default: then the broker takes SASL_SSL clients only.
   */
  plaintextPort?: number;
}

/** The principal the StandardAuthorizer gives a client of a PLAINTEXT listener. */
export const KAFKA_ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** The broker's certificate CN: with the mapping rule below it is the principal `User:<CN>`. */
export const KAFKA_BROKER_PRINCIPAL = 'fieldmesh-kafka-broker';

/** SCRAM-SHA-512 is the mechanism of the client listener: salted, never the password on the wire (unlike PLAIN). */
export const KAFKA_SASL_MECHANISM = 'SCRAM-SHA-512';

/**
 * A single KRaft node in combined mode (broker and controller in one JVM), bound to 127.0.0.1.
 * Replication factors are 1 because there is one broker; topics are created explicitly by the code that
 * owns them (from contracts), so auto-creation stays off and a typo fails instead of making a topic.
 *
 * Secure by default: clients connect over SASL_SSL (SCRAM-SHA-512 over TLS from the stack CA); the
 * controller listener takes mutual TLS only (KRaft cannot use SCRAM there), with the broker's own
 * certificate. The StandardAuthorizer denies whatever no ACL allows; the admin and the broker are super users.
 */
export function kafkaServerProperties(input: KafkaConfigInput): string {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${input.admin.username}" password="${input.admin.password}";`;
  const plaintext = input.plaintextPort === undefined ? [] : [`PLAINTEXT://127.0.0.1:${input.plaintextPort}`];
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${input.controllerPort}`,
    `listeners=${[`SASL_SSL://127.0.0.1:${input.brokerPort}`, `CONTROLLER://127.0.0.1:${input.controllerPort}`, ...plaintext].join(',')}`,
    `advertised.listeners=${[`SASL_SSL://127.0.0.1:${input.brokerPort}`, ...plaintext].join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SASL_SSL',
    `listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL${plaintext.length > 0 ? ',PLAINTEXT:PLAINTEXT' : ''}`,
    `sasl.enabled.mechanisms=${KAFKA_SASL_MECHANISM}`,
    `sasl.mechanism.inter.broker.protocol=${KAFKA_SASL_MECHANISM}`,
    `listener.name.sasl_ssl.${KAFKA_SASL_MECHANISM.toLowerCase()}.sasl.jaas.config=${jaas}`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${input.tls.keystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${input.tls.caFile}`,
    'listener.name.controller.ssl.client.auth=required',
    // Certificates name principals by their CN, not the whole distinguished name.
    'ssl.principal.mapping.rules=RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=${[`User:${input.admin.username}`, `User:${KAFKA_BROKER_PRINCIPAL}`, ...(plaintext.length > 0 ? [KAFKA_ANONYMOUS_PRINCIPAL] : [])].join(';')}`,
    'allow.everyone.if.no.acl.found=false',
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

/**
 * A cluster id as `kafka-storage random-uuid` prints it: 16 random bytes, base64url without padding, and,
 * as Kafka's Uuid.randomUuid does, never one starting with '-': StorageTool would read `-t -…` as a
 * missing --cluster-id and the stack would fail to start about once in 64 times.
 */
export function kafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
