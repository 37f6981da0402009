import { describe, expect, it } from 'vitest';
import { clusterReplication, kafkaClusterId, kafkaLog4jProperties, kafkaServerProperties } from './kafka.config';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

describe('kafka config', () => {
  const node = { nodeId: 1, brokerPort: 41001, internalPort: 41002, controllerPort: 41003 };
  const input = {
    node,
    cluster: [node],
    dataDir: '/stack/kafka/data',
    tls: { keystoreFile: '/stack/pki/kafka-broker-1.bundle.pem', caFile: '/stack/pki/ca.pem' },
    adminUsername: 'admin',
  };
  const properties = parse(kafkaServerProperties(input));

  it('runs one KRaft node as broker and controller, listening only on 127.0.0.1 ports given', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('listeners')).toBe('SASL_SSL://127.0.0.1:41001,INTERNAL://127.0.0.1:41002,CONTROLLER://127.0.0.1:41003');
    expect(properties.get('advertised.listeners')).toBe('SASL_SSL://127.0.0.1:41001,INTERNAL://127.0.0.1:41002');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:41003');
    expect(properties.get('log.dirs')).toBe('/stack/kafka/data');
  });

  it('takes clients over SASL_SSL only (SCRAM-SHA-512 over TLS), brokers and controllers over mutual TLS, and denies what no ACL allows', () => {
    expect(properties.get('listener.security.protocol.map')).toBe('SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL');
    expect([...properties.values()].some((value) => value.includes('PLAINTEXT'))).toBe(false);
    expect(properties.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(properties.get('inter.broker.listener.name')).toBe('INTERNAL');
    expect(properties.get('listener.name.internal.ssl.client.auth')).toBe('required');
    expect(properties.get('listener.name.controller.ssl.client.auth')).toBe('required');
    expect(properties.get('ssl.keystore.location')).toBe('/stack/pki/kafka-broker-1.bundle.pem');
    expect(properties.get('ssl.truststore.location')).toBe('/stack/pki/ca.pem');
    expect(properties.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(properties.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(properties.get('super.users')).toBe('User:admin;User:fieldmesh-kafka-broker-1');
    // No password in the file: brokers authenticate by certificate, clients' SCRAM proofs are checked against the metadata log.
    expect(kafkaServerProperties(input)).not.toMatch(/password/i);
  });

  it('adds a PLAINTEXT listener on 127.0.0.1 only when asked, whose anonymous clients need no ACLs', () => {
    const withPlaintext = parse(kafkaServerProperties({ ...input, plaintextPort: 41004 }));
    expect(withPlaintext.get('listeners')).toBe('SASL_SSL://127.0.0.1:41001,INTERNAL://127.0.0.1:41002,PLAINTEXT://127.0.0.1:41004,CONTROLLER://127.0.0.1:41003');
    expect(withPlaintext.get('advertised.listeners')).toBe('SASL_SSL://127.0.0.1:41001,INTERNAL://127.0.0.1:41002,PLAINTEXT://127.0.0.1:41004');
    expect(withPlaintext.get('listener.security.protocol.map')).toBe('SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL,PLAINTEXT:PLAINTEXT');
    expect(withPlaintext.get('super.users')).toBe('User:admin;User:fieldmesh-kafka-broker-1;User:ANONYMOUS');
    // Brokers still talk to each other, and the controller to the broker, as without the opt-in.
    expect(withPlaintext.get('inter.broker.listener.name')).toBe('INTERNAL');
    expect(withPlaintext.get('controller.listener.names')).toBe('CONTROLLER');
    expect(withPlaintext.get('allow.everyone.if.no.acl.found')).toBe('false');
  });

  it('works with a single broker and never creates topics by accident', () => {
    expect(properties.get('default.replication.factor')).toBe('1');
    expect(properties.get('min.insync.replicas')).toBe('1');
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
  });

  it('makes every node of a cluster a voter, a super user by its own certificate, and replicates internal topics 3 ways with 2 in sync', () => {
    const cluster = [1, 2, 3].map((nodeId) => ({ nodeId, brokerPort: 42000 + nodeId, internalPort: 43000 + nodeId, controllerPort: 44000 + nodeId }));
    const second = parse(kafkaServerProperties({ ...input, node: cluster[1]!, cluster, tls: { ...input.tls, keystoreFile: '/stack/pki/kafka-broker-2.bundle.pem' } }));
    expect(second.get('node.id')).toBe('2');
    expect(second.get('controller.quorum.voters')).toBe('1@127.0.0.1:44001,2@127.0.0.1:44002,3@127.0.0.1:44003');
    expect(second.get('listeners')).toBe('SASL_SSL://127.0.0.1:42002,INTERNAL://127.0.0.1:43002,CONTROLLER://127.0.0.1:44002');
    expect(second.get('super.users')).toBe('User:admin;User:fieldmesh-kafka-broker-1;User:fieldmesh-kafka-broker-2;User:fieldmesh-kafka-broker-3');
    expect(second.get('default.replication.factor')).toBe('3');
    expect(second.get('min.insync.replicas')).toBe('2');
    expect(second.get('offsets.topic.replication.factor')).toBe('3');
    expect(second.get('transaction.state.log.min.isr')).toBe('2');
    expect(second.get('unclean.leader.election.enable')).toBe('false');
  });

  it('caps replication by the cluster size', () => {
    expect(clusterReplication(1)).toEqual({ replicationFactor: 1, minInSyncReplicas: 1 });
    expect(clusterReplication(2)).toEqual({ replicationFactor: 2, minInSyncReplicas: 2 });
    expect(clusterReplication(5)).toEqual({ replicationFactor: 3, minInSyncReplicas: 2 });
  });

  it('logs to stdout (captured in logs/kafka.log)', () => {
    expect(kafkaLog4jProperties()).toContain('log4j.rootLogger=INFO, stdout');
    expect(kafkaLog4jProperties()).toContain('org.apache.log4j.ConsoleAppender');
  });

  it('makes cluster ids in the form StorageTool accepts: 16 bytes, base64url, no padding', () => {
    const id = kafkaClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(kafkaClusterId()).not.toBe(id);
  });

  it('never makes a cluster id starting with "-", which StorageTool would take for an option', () => {
    // 0xf8 encodes as '-' in base64url's first character; the second draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = kafkaClusterId(() => draws.shift()!);
    expect(id.startsWith('-')).toBe(false);
    expect(Buffer.from(id, 'base64url')).toEqual(Buffer.alloc(16, 0x01));
  });
});
