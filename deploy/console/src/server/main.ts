import { ConfigInvalid } from '@fieldmesh/config';
import { startConsole } from './console.app';
import { consoleOptionsFromEnv } from './console.env';
import type { ConsoleOptions } from './console.options';

// Entry point of the console process: configuration from FIELDMESH_* environment variables.
let options: ConsoleOptions;
try {
  options = consoleOptionsFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigInvalid)) throw error;
  // The message already lists each variable and what is wrong with it; a stack trace would only hide it.
  console.error(error.message);
  process.exit(2);
}
const running = await startConsole(options);
console.log(`fieldmesh console on ${running.url} (API ${running.url}/api, OpenAPI ${running.url}/api/openapi.json, docs ${running.url}/api/docs)`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('console did not close cleanly:', error);
        process.exit(1);
      },
    );
  });
}
