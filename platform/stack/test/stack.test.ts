import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import mqtt from 'mqtt';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, ServiceStartError, attachStack, startStack } from '../src/index';
import { isRunning } from '../src/process.supervisor';

/** The stack's broker takes SASL_SSL only: its CA and its admin's SCRAM credential. */
const secured = {
  ssl: { ca: [readFileSync(inject('kafkaCaFile'), 'utf8')] },
  sasl: { mechanism: 'scram-sha-512' as const, username: inject('kafkaSaslUsername'), password: inject('kafkaSaslPassword') },
};
const kafka = new Kafka({ clientId: 'stack-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING, ...secured });

async function firstValue(consumer: Consumer, topic: string): Promise<string> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const value = new Promise<string>((resolve) => {
    void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
  });
  try {
    return await value;
  } finally {
    await consumer.disconnect();
  }
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

async function produce(topic: string, value: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'asset-1', value }] });
  } finally {
    await producer.disconnect();
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'fieldmesh-stack-test-'));

describe('the real-service stack', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs a Kafka broker that creates topics and delivers a produced record', async () => {
    const topic = `stack-test.${randomUUID()}`;
    await createTopic(topic);
    await produce(topic, 'reading 1');
    expect(await firstValue(kafka.consumer({ groupId: `stack-test-${randomUUID()}` }), topic)).toBe('reading 1');
  });

  it('does not create topics on first use (auto.create.topics.enable=false)', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: `stack-test.absent.${randomUUID()}`, messages: [{ value: 'x' }] })).rejects.toThrow(/does not host this topic-partition|unknown topic/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('runs an MQTT broker that delivers a published message to a subscriber', async () => {
    const topic = `fieldmesh/stack-test/${randomUUID()}`;
    const subscriber = await mqtt.connectAsync(inject('mqttUrl'));
    const publisher = await mqtt.connectAsync(inject('mqttUrl'));
    try {
      const received = new Promise<string>((resolve) => subscriber.on('message', (_topic, payload) => resolve(payload.toString())));
      await subscriber.subscribeAsync(topic, { qos: 1 });
      await publisher.publishAsync(topic, '21.5', { qos: 1 });
      expect(await received).toBe('21.5');
    } finally {
      await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
    }
  });

  it('runs a ClickHouse server that answers SQL over HTTP for the fieldmesh user and its password', async () => {
    const client = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: inject('clickhousePassword') });
    try {
      // 18.16 has no currentUser(): the running query's own row in system.processes names its user.
      const queryId = randomUUID();
      const result = await client.query({
        query: `SELECT version() AS version, user FROM system.processes WHERE query_id = '${queryId}'`,
        query_id: queryId,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ version: string; user: string }>();
      expect(row?.user).toBe('fieldmesh');
      // Debian's package on these machines; the generated config is in its <yandex> format.
      expect(row?.version).toMatch(/^18\.16\./);
    } finally {
      await client.close();
    }
  });

  it('rejects a wrong ClickHouse password', async () => {
    const client = createClient({ url: inject('clickhouseUrl'), username: inject('clickhouseUser'), password: 'wrong-password', log: { level: ClickHouseLogLevel.OFF } });
    try {
      await expect(client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toThrow(/Wrong password for user fieldmesh/);
    } finally {
      await client.close();
    }
  });

  it('runs the schema registry, answering the Confluent API', async () => {
    const response = await fetch(`${inject('registryUrl')}/subjects`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/vnd\.schemaregistry\.v1\+json/);
    expect(Array.isArray(await response.json())).toBe(true);
  });

  it('runs the registry governed: an anonymous write gets 401, a service token registers, only the lead sets compatibility; the tokens survive a restart', async () => {
    const registryUrl = inject('registryUrl');
    const subject = `stack-test.governed-${randomUUID().slice(0, 8)}-value`;
    const schema = JSON.stringify({ type: 'record', name: 'Probe', fields: [{ name: 'id', type: 'string' }] });
    const call = async (method: string, path: string, body: unknown, token?: string) => {
      const response = await fetch(`${registryUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id?: number; error_code?: number } };
    };
    const register = (token?: string) => call('POST', `/subjects/${subject}/versions`, { schema }, token);

    expect(await register()).toMatchObject({ status: 401, body: { error_code: 40101 } });
    const registered = await register(inject('registryToken'));
    expect(registered).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
    expect(await call('PUT', `/config/${subject}`, { compatibility: 'FULL' }, inject('registryToken'))).toMatchObject({ status: 403, body: { error_code: 40301 } });
    expect(await call('PUT', `/config/${subject}`, { compatibility: 'FULL' }, inject('registryLeadToken'))).toMatchObject({ status: 200 });

    // The tokens are in files only their owner reads (the token files for people: `export FIELDMESH_REGISTRY_TOKEN=$(cat <file>)`).
    const stack = attachStack(inject('stackDir'));
    const { registryTokenFile, registryLeadTokenFile } = stack.addresses;
    for (const file of [registryTokenFile!, registryLeadTokenFile!, join(stack.dir, 'registry', 'tokens.json')]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(registryTokenFile!, 'utf8').trim()).toBe(inject('registryToken'));
    expect(readFileSync(join(stack.dir, 'registry', 'tokens.json'), 'utf8')).not.toContain(inject('registryToken').slice(13));

    await stack.stopService('registry');
    await stack.startService('registry');
    expect(await register(inject('registryToken'))).toEqual(registered);
    expect(await register()).toMatchObject({ status: 401 });
  });

  it('stops Kafka and starts it again on the same address with its data', async () => {
    const stack = attachStack(inject('stackDir'));
    const topic = `stack-test.restart.${randomUUID()}`;
    await createTopic(topic);
    await produce(topic, 'before the restart');

    await stack.stopService('kafka');
    expect(stack.status().find((service) => service.name === 'kafka')?.running).toBe(false);
    const admin = new Kafka({
      clientId: 'stack-test-down',
      brokers: inject('kafkaBrokers').split(','),
      connectionTimeout: 500,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
      ...secured,
    }).admin();
    await expect(admin.connect()).rejects.toThrow();

    await stack.startService('kafka');
    expect(stack.addresses.kafkaBrokers).toBe(inject('kafkaBrokers'));
    expect(await firstValue(kafka.consumer({ groupId: `stack-test-${randomUUID()}` }), topic)).toBe('before the restart');
  });

  it('stops every process of a stack, also when its owner exits without stopping it', async () => {
    const dir = mkdtempSync(join(scratch, 'exit-'));
    await promisify(execFile)(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(import.meta.dirname, 'fixtures', 'exit-without-stop.ts'), dir], { cwd: REPO_ROOT });
    const [mosquitto] = attachStack(dir).state.services;
    expect(mosquitto?.process).not.toBeNull();
    expect(isRunning(mosquitto!.process!)).toBe(false);
  });

  it('fails naming the service, the reason and the end of its log when a service cannot start', async () => {
    const stack = await startStack({ dir: mkdtempSync(join(scratch, 'broken-')), services: ['mosquitto'] });
    const squatter = createServer();
    try {
      await stack.stopService('mosquitto');
      const port = Number(new URL(stack.addresses.mqttUrl ?? '').port);
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      const error = await stack.startService('mosquitto').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceStartError);
      expect((error as ServiceStartError).service).toBe('mosquitto');
      expect((error as Error).message).toMatch(/^mosquitto did not start: the process exited/);
      expect((error as Error).message).toContain('Address already in use');
    } finally {
      squatter.close();
      await stack.stop();
    }
  });
});
