import { registryConfigFromEnv } from './config';
import { createRegistryApp } from './registry.app';

// Entry point of the registry process: configuration from FIELDMESH_* environment variables.
const config = registryConfigFromEnv(process.env);
const registry = await createRegistryApp(config);
console.log(`fieldmesh registry listening on ${registry.url} (log topic '${config.topic}', brokers ${config.brokers.join(',')})`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('registry did not close cleanly:', error);
        process.exit(1);
      },
    );
  });
}
