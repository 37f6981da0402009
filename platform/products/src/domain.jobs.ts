import 'reflect-metadata';
import { compileContractRules, type LoadedContract } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import type { LineageEmitter } from '@fieldmesh/lineage';
import { AvroSerde } from '@fieldmesh/serde';
import { createStreamsApp, StreamHandlerModule, type StreamJobRules, type StreamJobSerde, type StreamsApp } from '@fieldmesh/streams';
import type { z } from 'zod';
import { ContractCatalog, contractRootsOf } from './contract.catalog';
import { type DomainPlatformConfig } from './domain.config';
import type { AnyDomain, DomainContext, ProductPipeline } from './domain.declaration';
import { productJobLineage } from './product.lineage';
import { type ProductWiring, wireDomain } from './product.wiring';

/** A product's job, built (handlers registered) but not consuming yet. */
export interface BuiltJob {
  wiring: ProductWiring;
  pipeline: ProductPipeline;
  app: StreamsApp;
}

export interface BuiltDomain {
  context: DomainContext<z.output<z.ZodObject>>;
  services: unknown;
  jobs: BuiltJob[];
  /** Runs what the domain registered with onClose, newest first. Idempotent. */
  closeRegistered(): Promise<void>;
}

/** The Kafka side of the jobs: real clients for startDomain, stand-ins for the in-memory driver. */
export interface JobClients {
  kafka: KafkaPort;
  serdeFor(contract: LoadedContract): StreamJobSerde;
  lineage?: { emitter: LineageEmitter; brokers: string[] };
}

/**
 * Everything startDomain and the in-memory driver share: the contracts, each product's wiring, the
 * domain's services, and a Nest app per product on the stream runtime routing its input to its pipeline.
 */
export async function buildDomain(domain: AnyDomain, config: DomainPlatformConfig, clients: JobClients): Promise<BuiltDomain> {
  const contracts = await ContractCatalog.load(contractRootsOf(config.root, [domain]));
  const wiring = wireDomain(domain, contracts, config);
  const closers: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | undefined;
  const closeRegistered = () =>
    (closing ??= (async () => {
      for (const close of closers.splice(0).reverse()) await close();
    })());
  const context: DomainContext<z.output<z.ZodObject>> = {
    domain: domain.name,
    settings: config as z.output<z.ZodObject>,
    config,
    contracts,
    topicOf: (id) => config.topics[id] ?? contracts.byId(id).contract.kafka.topic,
    groupOf: (product) => wiring.find((job) => job.product === product)?.groupId ?? `${domain.name}.${product}`,
    onClose: (close) => void closers.push(close),
  };
  try {
    const services: never = (await domain.services?.(context as never)) as never;
    const jobs: BuiltJob[] = [];
    for (const job of wiring) {
      const declaration = domain.products[job.product]!;
      const pipeline = await declaration.pipeline({ ...context, services, output: job.outputs[0]!, outputs: job.outputs, input: job.input } as never);
      const columns = declaration.columns?.bind(declaration);
      const app = await createStreamsApp(
        StreamHandlerModule.forTopics(
          job.inputs.map((input) => input.topic),
          pipeline.handle,
        ),
        {
          name: job.job,
          kafka: clients.kafka,
          serde: clients.serdeFor(job.outputs[0]!.contract),
          groupId: job.groupId,
          fromBeginning: config.fromBeginning,
          outputs: Object.fromEntries(job.outputs.map((output) => [output.topic, output.contract.avroSchema])),
          maxBatchRecords: config.maxBatchRecords,
          ...(config.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: config.sessionTimeoutMs }),
          ...(config.instance === undefined ? {} : { transactionalId: `${job.groupId}.${config.instance}` }),
          rules: rulesOf(job),
          ...(pipeline.state ? { state: pipeline.state } : {}),
          ...(clients.lineage ? { lineage: productJobLineage(clients.lineage.emitter, clients.lineage.brokers, job, columns) } : {}),
        },
        { logger: ['error', 'warn'] },
      );
      closers.push(() => app.app.close());
      jobs.push({ wiring: job, pipeline, app });
    }
    return { context, services, jobs, closeRegistered };
  } catch (error) {
    await closeRegistered();
    throw error;
  }
}

/**
 * The quality rules a product's job applies, from its contracts: the input's to the records it reads
 * (the consumer's check), each output's to the records it writes (the producer's). Compiled once per
 * contract, however many jobs share it.
 */
export function rulesOf(job: Pick<ProductWiring, 'inputs' | 'outputs'>): StreamJobRules {
  return {
    inputs: Object.fromEntries(job.inputs.map((input) => [input.topic, compileContractRules(input.contract)])),
    outputs: Object.fromEntries(job.outputs.map((output) => [output.topic, compileContractRules(output.contract)])),
  };
}

/** One serde per compatibility level: a serde registers only under subjects set to its level. */
export function serdesByCompatibility(registryUrl: string, clientId: string): (contract: LoadedContract) => AvroSerde {
  const serdes = new Map<string, AvroSerde>();
  return ({ contract }) => {
    let serde = serdes.get(contract.compatibility);
    if (!serde) serdes.set(contract.compatibility, (serde = new AvroSerde({ registryUrl, clientId, compatibility: contract.compatibility })));
    return serde;
  };
}
