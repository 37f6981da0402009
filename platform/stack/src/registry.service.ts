import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { kafkaClientEnv } from './kafka.service';
import { port, type ServiceDefinition, type ServiceSettings } from './service';

/** Spawned by path, as a process: platform code may not import contracts/. */
export const REGISTRY_MAIN = join('contracts', 'registry', 'src', 'main.ts');

function url(settings: ServiceSettings): string {
  return `http://127.0.0.1:${port(settings, 'http')}`;
}

/** Our Confluent-compatible schema registry (contracts/registry), keeping its state in Kafka. */
export const registryService: ServiceDefinition = {
  name: 'registry',
  portNames: ['http'],
  createSecrets: () => ({}),
  dependsOn: ['kafka'],
  readyTimeoutMs: 90_000,

  async install(context) {
    if (!existsSync(join(context.repoRoot, REGISTRY_MAIN))) throw new Error(`${REGISTRY_MAIN} does not exist in ${context.repoRoot}`);
  },

  async prepare(context) {
    const brokers = context.addresses.kafkaBrokers;
    if (!brokers) throw new Error('the registry needs Kafka: start the stack with kafka before registry');
    return {
      command: join(context.repoRoot, 'node_modules', '.bin', 'tsx'),
      args: [REGISTRY_MAIN],
      cwd: context.repoRoot,
      env: {
        // tsx starts `node` from PATH: put the pinned Node 24 first, as npm scripts do, whoever starts the stack.
        PATH: [join(context.repoRoot, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(delimiter),
        FIELDMESH_REGISTRY_PORT: String(port(context.settings, 'http')),
        FIELDMESH_REGISTRY_HOST: '127.0.0.1',
        FIELDMESH_KAFKA_BROKERS: brokers,
        ...kafkaClientEnv(context.addresses),
      },
    };
  },

  async probe(context) {
    const response = await fetch(`${url(context.settings)}/subjects`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`GET /subjects answered ${response.status}`);
  },

  addresses(settings) {
    return { registryUrl: url(settings) };
  },
};
