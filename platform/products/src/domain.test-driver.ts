import { loadConfig } from '@fieldmesh/config';
import type { KafkaPort } from '@fieldmesh/kafka';
import { TestDriver, type StreamJobSerde } from '@fieldmesh/streams';
import { domainConfigSchema, type DomainPlatformConfig } from './domain.config';
import type { AnyDomain, DomainDeclaration } from './domain.declaration';
import { buildDomain, rulesOf } from './domain.jobs';

export interface DomainTestDrivers {
  /** A TestDriver per product name, over the product's job as it runs on Kafka (Nest app, handler, state). */
  drivers: Record<string, TestDriver>;
  /** The domain's services, as its pipelines share them. */
  services: unknown;
  close(): Promise<void>;
}

/** Kafka and the registry are never reached in memory: the TestDriver encodes and decodes itself. */
const IN_MEMORY = { kafka: { brokers: ['127.0.0.1:9092'] }, registryUrl: 'http://127.0.0.1:8081', provision: false };
const notUsed = {} as KafkaPort & StreamJobSerde;

/**
 * The domain's products in memory, built from the same declaration as startDomain (contracts, wiring,
 * services, Nest apps), each behind a TestDriver whose inputs and outputs round-trip through the
 * contracts' Avro schemas and keep their quality rules as the jobs do. `settings` are the domain's config fields; the `start` hook does not run.
 */
export async function driveDomain<D extends DomainDeclaration>(domain: D, settings: Record<string, unknown> = {}): Promise<DomainTestDrivers> {
  const declaration = domain as unknown as AnyDomain;
  const config = loadConfig(domainConfigSchema(declaration), { ...IN_MEMORY, ...settings }, `${declaration.name} config`) as DomainPlatformConfig;
  const built = await buildDomain(declaration, config, { kafka: notUsed, serdeFor: () => notUsed });
  const drivers = Object.fromEntries(
    built.jobs.map(({ wiring, app }) => [
      wiring.product,
      new TestDriver({
        handler: app.transport.handler(),
        inputs: Object.fromEntries(wiring.inputs.map((input) => [input.topic, input.contract.avroSchema])),
        outputs: Object.fromEntries(wiring.outputs.map((output) => [output.topic, output.contract.avroSchema])),
        rules: rulesOf(wiring),
      }),
    ]),
  );
  return { drivers, services: built.services, close: () => built.closeRegistered() };
}
