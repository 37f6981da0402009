import { loadConfig } from '@fieldmesh/config';
import { provisionStreamJob } from '@fieldmesh/governance';
import { createKafka } from '@fieldmesh/kafka';
import type { LineageEmitter } from '@fieldmesh/lineage';
import type { StreamJobStats } from '@fieldmesh/streams';
import { domainConfigSchema, type DomainPlatformConfig } from './domain.config';
import type { AnyDomain, DomainDeclaration, RunningDomainOf } from './domain.declaration';
import { buildDomain, serdesByCompatibility } from './domain.jobs';

export interface DomainHooks {
  /** Each product's job reports an OpenLineage run (with its column lineage) through it. */
  lineage?: LineageEmitter;
}

/**
 * Runs a domain in this process from its declaration: validates its config (the platform's fields and
 * the domain's settings), provisions every product and the DLQs of their inputs from the contracts,
 * builds the shared services and each product's job, runs the domain's `start`, then lets the jobs
 * consume. Resolves once every job has joined its group.
 */
export async function startDomain<D extends DomainDeclaration>(domain: D, input: unknown, hooks: DomainHooks = {}): Promise<RunningDomainOf<D>> {
  const declaration = domain as unknown as AnyDomain;
  const config = loadConfig(domainConfigSchema(declaration), input, `${declaration.name} config`) as DomainPlatformConfig;
  const kafka = createKafka(config.kafka);
  const serdeFor = serdesByCompatibility(config.registryUrl, config.kafka.clientId);
  const built = await buildDomain(declaration, config, { kafka, serdeFor, ...(hooks.lineage ? { lineage: { emitter: hooks.lineage, brokers: config.kafka.brokers } } : {}) });
  try {
    if (config.provision) {
      for (const { wiring } of built.jobs) await provisionStreamJob(kafka, { url: config.registryUrl }, { outputs: wiring.outputs, inputs: wiring.inputs });
    }
    const api = await declaration.start?.({ ...built.context, services: built.services as never, kafka, serdeFor } as never);
    for (const job of built.jobs) {
      // A job that cannot share its input runs in one instance only; elsewhere its stats stay at zero.
      const unsplittable = declaration.products[job.wiring.product]!.scaleOut === false;
      if (unsplittable && config.instance !== undefined && !config.singletonJobs) continue;
      await job.app.app.listen();
    }
    const running = {
      name: declaration.name,
      jobs: built.jobs.map((job) => job.wiring),
      api,
      stats: () => Object.fromEntries(built.jobs.map((job) => [job.wiring.product, { job: job.app.transport.stats() ?? emptyJobStats(), pipeline: job.pipeline.stats() }])),
      statsMetrics: Object.fromEntries(built.jobs.map((job) => [job.wiring.product, declaration.products[job.wiring.product]!.metrics ?? {}])),
      close: () => built.closeRegistered(),
    };
    return running as unknown as RunningDomainOf<D>;
  } catch (error) {
    await built.closeRegistered();
    throw error;
  }
}

function emptyJobStats(): StreamJobStats {
  return {
    batches: 0,
    recordsIn: 0,
    recordsOut: 0,
    deadLettered: { deserialize: 0, process: 0, validateInput: 0, validateOutput: 0 },
    ruleViolations: [],
    replays: 0,
    recordsOwingNoOutput: 0,
  };
}
