import { createServer } from 'node:net';
import { join } from 'node:path';
import { TokenStore } from '@fieldmesh/auth';
import { startConsole } from '@fieldmesh/console';
import type { PlantPipeline } from '@fieldmesh/pipeline';
import { startSloMonitor, type SloEvent, type SloMonitor } from '@fieldmesh/slo';
import { REPO_ROOT } from '@fieldmesh/testing';

/** The console listens here when the port is free, so a bookmark survives restarts. */
export const PREFERRED_CONSOLE_PORT = 8090;

export interface ConsoleAccess {
  url: string;
  /** Plaintext tokens issued for this run (the tokens file keeps only their hashes). */
  tokens: { governanceLead: string; operator: string };
  tokensFile: string;
  slo: SloMonitor;
  close(): Promise<void>;
}

export interface ConsoleAccessOptions {
  pipeline: PlantPipeline;
  kafkaBrokers: string;
  registryUrl: string;
  /** Holds the tokens file and the console's Vite cache for this run. */
  stateDir: string;
  onSloEvent: (event: SloEvent) => void;
  /** 0 picks a free port; default PREFERRED_CONSOLE_PORT when free. */
  port?: number;
}

/**
 * The live SLO monitor over every product and the operations console in front of the running pipeline,
 * with a governance-lead and an operator token issued for the person at the keyboard.
 */
export async function startConsoleAccess(options: ConsoleAccessOptions): Promise<ConsoleAccess> {
  const { pipeline } = options;
  const tokensFile = join(options.stateDir, 'tokens.json');
  const store = await TokenStore.open(tokensFile);
  const governanceLead = (await store.issue({ name: 'local-lead', role: 'governance-lead', domains: ['*'] })).token;
  const operator = (await store.issue({ name: 'local-operator', role: 'operator', domains: ['*'] })).token;
  const slo = await startSloMonitor({ kafka: pipeline.kafka, contracts: pipeline.contracts, expectations: pipeline.sloExpectations, onEvent: options.onSloEvent });
  try {
    const port = options.port ?? ((await portIsFree(PREFERRED_CONSOLE_PORT)) ? PREFERRED_CONSOLE_PORT : 0);
    const running = await startConsole({
      port,
      host: '127.0.0.1',
      kafkaBrokers: options.kafkaBrokers,
      registryUrl: options.registryUrl,
      tokensFile,
      contractsRoot: REPO_ROOT,
      stateDir: join(options.stateDir, 'console'),
      clickhouse: { client: pipeline.products.sink.warehouse.client, database: pipeline.products.sink.stats().database },
      slo,
      modelsInUse: () => pipeline.products.assetHealth.models(),
    });
    return {
      url: running.url,
      tokens: { governanceLead, operator },
      tokensFile,
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

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
