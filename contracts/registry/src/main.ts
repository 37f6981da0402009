import { ConfigInvalid } from '@fieldmesh/config';
import { registryConfigFromEnv, type RegistryConfig } from './config';
import { UnauthenticatedNetworkBind } from './errors';
import { createRegistryApp, type RunningRegistry } from './registry.app';

// Entry point of the registry process: configuration from FIELDMESH_* environment variables.
let config: RegistryConfig;
let registry: RunningRegistry;
try {
  config = registryConfigFromEnv(process.env);
  registry = await createRegistryApp(config);
} catch (error) {
  if (!(error instanceof ConfigInvalid || error instanceof UnauthenticatedNetworkBind)) throw error;
  // The message already names each setting and what to do; a stack trace would only hide it.
  console.error(error.message);
  process.exit(2);
}
const mode = config.governance
  ? `governed: tokens ${config.governance.tokensFile}, audit topic '${config.governance.auditTopic}'`
  : 'open: no FIELDMESH_REGISTRY_TOKENS_FILE, so writes need no token';
console.log(`fieldmesh registry listening on ${registry.url} (log topic '${config.topic}', brokers ${config.brokers.join(',')}; ${mode})`);

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
