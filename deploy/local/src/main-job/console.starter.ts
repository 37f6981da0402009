import { createServer } from 'node:net';
import { join } from 'node:path';
import { startConsole } from '@fieldmesh/console';
import { createKafka } from '@fieldmesh/kafka';
import type { ComponentPrincipals, PlantPipeline } from '@fieldmesh/pipeline';
import { startSloMonitor, type SloEvent, type SloMonitor } from '@fieldmesh/slo';
import { REPO_ROOT } from '@fieldmesh/stack';

/** The console listens here when the port is free, so a bookmark survives restarts. */
export const PREFERRED_CONSOLE_PORT = 8090;
/** Likewise the governed registry, so an exported FIELDMESH_REGISTRY_URL survives restarts. */
export const PREFERRED_REGISTRY_PORT = 8091;

export interface ConsoleAccess {
  url: string;
  slo: SloMonitor;
  close(): Promise<void>;
}

export interface ConsoleAccessOptions {
  pipeline: PlantPipeline;
  kafkaBrokers: string;
  /** The console and the SLO monitor log in as their own principals (see componentPrincipals). */
  kafkaPrincipals: Pick<ComponentPrincipals, 'console' | 'slo'>;
  /** The governed registry: the console proxies reviews to it. */
  registryUrl: string;
  /** The tokens file the governed registry reads, so one token signs in to both. */
  tokensFile: string;
  /** Holds the console's Vite cache for this run. */
  stateDir: string;
  onSloEvent: (event: SloEvent) => void;
  /** 0 picks a free port; default PREFERRED_CONSOLE_PORT when free. */
  port?: number;
}

/** The live SLO monitor over every product and the operations console in front of the running pipeline. */
export async function startConsoleAccess(options: ConsoleAccessOptions): Promise<ConsoleAccess> {
  const { pipeline } = options;
  const sloKafka = createKafka({ clientId: 'fieldmesh-slo-monitor', brokers: options.kafkaBrokers.split(','), security: options.kafkaPrincipals.slo });
  const slo = await startSloMonitor({ kafka: sloKafka, contracts: pipeline.contracts, expectations: pipeline.sloExpectations, onEvent: options.onSloEvent });
  try {
    const port = options.port ?? (await preferredPortIfFree(PREFERRED_CONSOLE_PORT));
    const running = await startConsole({
      port,
      host: '127.0.0.1',
      kafkaBrokers: options.kafkaBrokers,
      kafkaSecurity: options.kafkaPrincipals.console,
      registryUrl: options.registryUrl,
      tokensFile: options.tokensFile,
      contractsRoot: REPO_ROOT,
      // The domains this pipeline runs, those of `domainFolders` included, each with its own contract folder.
      contractRoots: [...pipeline.contractRoots],
      stateDir: join(options.stateDir, 'console'),
      clickhouse: { client: pipeline.products.sink.warehouse.client, database: pipeline.products.sink.stats().database },
      slo,
      modelsInUse: () => pipeline.products.assetHealth.models(),
    });
    return {
      url: running.url,
      slo,
      async close() {
        await running.close();
        await slo.close();
      },
    };
  } catch (error) {
    await slo.close();
    throw error;
  }
}

/** `port` when nothing listens on it, else 0 (any free port). */
export function preferredPortIfFree(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}
