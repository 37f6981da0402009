import { randomBytes } from 'node:crypto';

/** One KRaft node of the stack's cluster: its id and the ports of its listeners on 127.0.0.1. */
export interface KafkaNode {
  nodeId: number;
  /** SASL_SSL, for clients. */
  brokerPort: number;
  /** SSL with client certificates, between brokers (replication). */
  internalPort: number;
  /** SSL with client certificates, the KRaft quorum. */
  controllerPort: number;
}

export interface KafkaConfigInput {
  /** This node. */
  node: KafkaNode;
  /** Every node of the cluster, this one included: all are voters of the controller quorum. */
  cluster: readonly KafkaNode[];
  dataDir: string;
  /** PEM files of this broker's own TLS identity; it serves every listener and authenticates it to the others. */
  tls: { keystoreFile: string; caFile: string };
  /** The SCRAM super user of the stack's tools. */
  adminUsername: string;
  /**
   * Opt-in, for measuring what security costs (`npm run bench`): a second client listener,
   * `PLAINTEXT://127.0.0.1:<port>`, without TLS or authentication. Its clients are `User:ANONYMOUS`, made a
   * super user so that they need no ACLs. Absent by default: then the broker takes SASL_SSL clients only.
   */
  plaintextPort?: number;
}

/** The principal the StandardAuthorizer gives a client of a PLAINTEXT listener. */
export const KAFKA_ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** A broker's certificate CN: with the mapping rule below, its principal is `User:<CN>`; one per node. */
export function kafkaBrokerPrincipal(nodeId: number): string {
  return `fieldmesh-kafka-broker-${nodeId}`;
}

/** SCRAM-SHA-512 is the mechanism of the client listener: salted, never the password on the wire (unlike PLAIN). */
export const KAFKA_SASL_MECHANISM = 'SCRAM-SHA-512';

/**
 * What a cluster of `brokers` can give a topic: replication factor 3 and min.insync.replicas 2 (one broker
 * may fail without stopping acks=all producers), capped by the number of brokers.
 */
export function clusterReplication(brokers: number): { replicationFactor: number; minInSyncReplicas: number } {
  return { replicationFactor: Math.min(3, brokers), minInSyncReplicas: Math.min(2, brokers) };
}

/**
 * One KRaft node in combined mode (broker and controller in one JVM), bound to 127.0.0.1; the stack runs
 * one (the default) or a cluster of them, every node a voter of the controller quorum. Topics are created
 * explicitly by the code that owns them (from contracts), so auto-creation stays off and a typo fails
 * instead of making a topic; internal topics and topics created without a replication factor get
 * clusterReplication's.
 *
 * Secure by default: clients connect over SASL_SSL (SCRAM-SHA-512 over TLS from the stack CA); brokers
 * replicate over the INTERNAL listener and reach the controllers over CONTROLLER, both mutual TLS with each
 * broker's own certificate (KRaft cannot use SCRAM for the controller). Nothing is anonymous. The
 * StandardAuthorizer denies whatever no ACL allows; the admin and the brokers are super users.
 */
export function kafkaServerProperties(input: KafkaConfigInput): string {
  const { node } = input;
  // Server side only: the login module checks clients' SCRAM proofs against the credentials in the metadata log.
  const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const plaintext = input.plaintextPort === undefined ? [] : [`PLAINTEXT://127.0.0.1:${input.plaintextPort}`];
  const clientListeners = [`SASL_SSL://127.0.0.1:${node.brokerPort}`, `INTERNAL://127.0.0.1:${node.internalPort}`, ...plaintext];
  const replication = clusterReplication(input.cluster.length);
  const brokers = input.cluster.map((member) => `User:${kafkaBrokerPrincipal(member.nodeId)}`);
  const lines = [
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${input.cluster.map((member) => `${member.nodeId}@127.0.0.1:${member.controllerPort}`).join(',')}`,
    `listeners=${[...clientListeners, `CONTROLLER://127.0.0.1:${node.controllerPort}`].join(',')}`,
    `advertised.listeners=${clientListeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=INTERNAL',
    `listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL${plaintext.length > 0 ? ',PLAINTEXT:PLAINTEXT' : ''}`,
    `sasl.enabled.mechanisms=${KAFKA_SASL_MECHANISM}`,
    `listener.name.sasl_ssl.${KAFKA_SASL_MECHANISM.toLowerCase()}.sasl.jaas.config=${jaas}`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${input.tls.keystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${input.tls.caFile}`,
    'listener.name.internal.ssl.client.auth=required',
    'listener.name.controller.ssl.client.auth=required',
    // Certificates name principals by their CN, not the whole distinguished name.
    'ssl.principal.mapping.rules=RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=${[`User:${input.adminUsername}`, ...brokers, ...(plaintext.length > 0 ? [KAFKA_ANONYMOUS_PRINCIPAL] : [])].join(';')}`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${input.dataDir}`,
    'num.partitions=1',
    `default.replication.factor=${replication.replicationFactor}`,
    `min.insync.replicas=${replication.minInSyncReplicas}`,
    `offsets.topic.replication.factor=${replication.replicationFactor}`,
    `transaction.state.log.replication.factor=${replication.replicationFactor}`,
    `transaction.state.log.min.isr=${replication.minInSyncReplicas}`,
    // A replica that was down must catch up before it leads again: never elect one that would lose acknowledged records.
    'unclean.leader.election.enable=false',
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
