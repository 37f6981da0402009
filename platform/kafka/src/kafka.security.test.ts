import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka } from './kafka.factory';
import { kafkaSecurityFromEnv, platformaticSecurityOptions, resolveKafkaSecurity } from './kafka.security';

describe('Kafka client security', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-kafka-security-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the password from its file and the CA from its PEM, never asking for them on a command line', () => {
    writeFileSync(join(dir, 'password'), 's3cret\n');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const resolved = resolveKafkaSecurity(
      { protocol: 'SASL_SSL', caFile: join(dir, 'ca.pem'), sasl: { mechanism: 'SCRAM-SHA-512', username: 'sink', passwordFile: join(dir, 'password') } },
      'sink',
    );
    expect(resolved).toEqual({
      protocol: 'SASL_SSL',
      ca: expect.stringContaining('BEGIN CERTIFICATE'),
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'sink', password: 's3cret' },
    });
  });

  it('refuses SASL without a password, naming where one can come from', () => {
    expect(() => resolveKafkaSecurity({ protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'sink' } }, 'sink')).toThrow(
      'Kafka client sink: security.sasl needs passwordFile or password (or FIELDMESH_KAFKA_SASL_PASSWORD_FILE)',
    );
  });

  it('says so when a client runs PLAINTEXT, once per process', () => {
    const lines: string[] = [];
    resolveKafkaSecurity({ protocol: 'PLAINTEXT' }, 'bench', (line) => lines.push(line));
    resolveKafkaSecurity(undefined, 'other', (line) => lines.push(line));
    expect(lines).toEqual(['Kafka client bench: PLAINTEXT, no TLS and no authentication (configured)']);
  });

  it('takes the security from the FIELDMESH_KAFKA_* environment', () => {
    const env = {
      FIELDMESH_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      FIELDMESH_KAFKA_SSL_CA_FILE: '/stack/pki/ca.pem',
      FIELDMESH_KAFKA_SASL_USERNAME: 'admin',
      FIELDMESH_KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
    };
    expect(kafkaSecurityFromEnv(env)).toEqual({ protocol: 'SASL_SSL', caFile: '/stack/pki/ca.pem', sasl: { username: 'admin', passwordFile: '/run/secrets/kafka' } });
    expect(kafkaSecurityFromEnv({})).toBeUndefined();
  });

  it('fails at start-up, naming the field, on a security config it cannot use', () => {
    expect(() => createKafka({ clientId: 'gw', brokers: ['127.0.0.1:9092'], security: { protocol: 'SASL_SSL', sasl: { username: '' } } as never })).toThrow(
      /security\.sasl\.username: must name the principal/,
    );
    expect(() => createKafka({ clientId: 'gw', brokers: ['127.0.0.1:9092'], security: { protocol: 'SSL' } as never })).toThrow(/security\.protocol/);
  });

  it('gives @platformatic/kafka clients TLS with the CA (the system CAs without one) and SCRAM, and nothing for PLAINTEXT', () => {
    const sasl = { mechanism: 'SCRAM-SHA-512', username: 'console', password: 'p' } as const;
    expect(platformaticSecurityOptions({ protocol: 'SASL_SSL', ca: 'PEM', sasl })).toEqual({ tls: { ca: 'PEM' }, sasl });
    expect(platformaticSecurityOptions({ protocol: 'SASL_SSL', ca: undefined, sasl })).toEqual({ tls: {}, sasl });
    expect(platformaticSecurityOptions({ protocol: 'PLAINTEXT' })).toEqual({});
  });
});
