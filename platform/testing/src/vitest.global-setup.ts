import type { TestProject } from 'vitest/node';

// PLACEHOLDER until platform/testing's stack lands: uses a broker given by FIELDMESH_DEV_KAFKA.
// The real version installs and starts Kafka, Mosquitto, ClickHouse and the registry, and provides
// the same keys.
export default async function setup(project: TestProject) {
  const brokers = process.env.FIELDMESH_DEV_KAFKA;
  if (!brokers) throw new Error('platform/testing stack not implemented yet: set FIELDMESH_DEV_KAFKA=127.0.0.1:19092');
  project.provide('kafkaBrokers', brokers);
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}
