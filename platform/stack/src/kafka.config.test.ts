import { describe, expect, it } from 'vitest';
import { kafkaClusterId, kafkaLog4jProperties, kafkaServerProperties } from './kafka.config';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

describe('kafka config', () => {
  const input = {
    brokerPort: 41001,
    controllerPort: 41002,
    dataDir: '/stack/kafka/data',
    tls: { keystoreFile: '/stack/pki/kafka-broker.bundle.pem', caFile: '/stack/pki/ca.pem' },
    admin: { username: 'admin', password: 's3cret' },
  };
  const properties = parse(kafkaServerProperties(input));

  it('runs one KRaft node as broker and controller, listening only on 127.0.0.1 ports given', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('listeners')).toBe('SASL_SSL://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002');
    expect(properties.get('advertised.listeners')).toBe('SASL_SSL://127.0.0.1:41001');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:41002');
    expect(properties.get('log.dirs')).toBe('/stack/kafka/data');
  });

  it('takes clients over SASL_SSL only (SCRAM-SHA-512 over TLS), the controller over mutual TLS, and denies what no ACL allows', () => {
    expect(properties.get('listener.security.protocol.map')).toBe('SASL_SSL:SASL_SSL,CONTROLLER:SSL');
    expect([...properties.values()].some((value) => value.includes('PLAINTEXT'))).toBe(false);
    expect(properties.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(properties.get('listener.name.controller.ssl.client.auth')).toBe('required');
    expect(properties.get('ssl.keystore.location')).toBe('/stack/pki/kafka-broker.bundle.pem');
    expect(properties.get('ssl.truststore.location')).toBe('/stack/pki/ca.pem');
    expect(properties.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(properties.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(properties.get('super.users')).toBe('User:admin;User:fieldmesh-kafka-broker');
  });

  it('adds a PLAINTEXT listener on 127.0.0.1 only when asked, whose anonymous clients need no ACLs', () => {
    const withPlaintext = parse(kafkaServerProperties({ ...input, plaintextPort: 41003 }));
    expect(withPlaintext.get('listeners')).toBe('SASL_SSL://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002,PLAINTEXT://127.0.0.1:41003');
    expect(withPlaintext.get('advertised.listeners')).toBe('SASL_SSL://127.0.0.1:41001,PLAINTEXT://127.0.0.1:41003');
    expect(withPlaintext.get('listener.security.protocol.map')).toBe('SASL_SSL:SASL_SSL,CONTROLLER:SSL,PLAINTEXT:PLAINTEXT');
    expect(withPlaintext.get('super.users')).toBe('User:admin;User:fieldmesh-kafka-broker;User:ANONYMOUS');
    // Brokers still talk to each other, and the controller to the broker, as without the opt-in.
    expect(withPlaintext.get('inter.broker.listener.name')).toBe('SASL_SSL');
    expect(withPlaintext.get('controller.listener.names')).toBe('CONTROLLER');
    expect(withPlaintext.get('allow.everyone.if.no.acl.found')).toBe('false');
  });

  it('works with a single broker and never creates topics by accident', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
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
