import type { TestProject } from 'vitest/node';
import { join } from 'node:path';
import {
  defaultServices,
  kafkaClientEnv,
  LOCAL_STACK_DIR,
  registryClientEnv,
  removeAbandonedStacks,
  runningStack,
  startStack,
  TEST_STACKS_DIR,
  type Stack,
  type StackAddresses,
} from '@fieldmesh/stack';

function provideAddresses(project: TestProject, stack: Stack): void {
  const addresses: StackAddresses = stack.addresses;
  for (const key of [
    'kafkaBrokers',
    'kafkaCaFile',
    'kafkaSaslUsername',
    'kafkaSaslPassword',
    'mqttUrl',
    'clickhouseUrl',
    'clickhouseUser',
    'clickhousePassword',
    'registryUrl',
    'registryToken',
    'registryLeadToken',
  ] as const) {
    const value = addresses[key];
    if (value !== undefined) project.provide(key, value);
  }
  project.provide('stackDir', stack.dir);
  // Every Kafka client the tests make (and the processes they start) logs in as the stack's admin unless it
  // names a principal of its own: the workers inherit this environment.
  if (addresses.kafkaBrokers) Object.assign(process.env, kafkaClientEnv(addresses));
  // Likewise every registry client writes with a token (the registry is governed): the lead's, since the
  // tests provision products as `fieldmesh products apply` does, and setting compatibility levels is a lead's right.
  if (addresses.registryUrl) Object.assign(process.env, registryClientEnv(addresses, 'lead'));
}

/**
 * Starts the real services once for the whole integration run (installing what is missing) and stops
 * them afterwards. A stack that a developer keeps running with `npm run stack -- up` is reused instead,
 * which saves its start time on every run; it is left running.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const local = runningStack(LOCAL_STACK_DIR);
  if (local) {
    console.log(`[fieldmesh stack] reusing the running stack in ${LOCAL_STACK_DIR} (started by 'npm run stack -- up'; 'npm run stack -- down' stops it)`);
    provideAddresses(project, local);
    return undefined;
  }
  await removeAbandonedStacks(TEST_STACKS_DIR);
  const stack = await startStack({
    dir: join(TEST_STACKS_DIR, `run-${process.pid}`),
    services: defaultServices(),
    lifetime: 'session',
    log: (line) => console.log(`[fieldmesh stack] ${line}`),
  });
  provideAddresses(project, stack);
  return () => stack.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the Kafka broker (KRaft, SASL_SSL: SCRAM-SHA-512 over TLS from the stack CA). */
    kafkaBrokers: string;
    /** The stack CA's certificate: clients verify the broker (and Mosquitto's TLS listener) with it. */
    kafkaCaFile: string;
    /** The stack's Kafka super user; FIELDMESH_KAFKA_* in the workers' environment names it too. */
    kafkaSaslUsername: string;
    kafkaSaslPassword: string;
    /** mqtt://127.0.0.1:<port>, anonymous. */
    mqttUrl: string;
    /** http://127.0.0.1:<port> of the ClickHouse server (Debian 18.16). */
    clickhouseUrl: string;
    clickhouseUser: string;
    clickhousePassword: string;
    /** http://127.0.0.1:<port> of the schema registry (contracts/registry), governed: anonymous clients only read. */
    registryUrl: string;
    /** A service principal's token for the registry: registers schemas, nothing else. */
    registryToken: string;
    /** A governance lead's token for the registry; FIELDMESH_REGISTRY_TOKEN in the workers' environment names it too. */
    registryLeadToken: string;
    /** The stack's folder: `attachStack(inject('stackDir'))` to stop and start services from a test. */
    stackDir: string;
  }
}
