import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startPlantTelemetry } from './plant-telemetry.app';

/**
 * `tsx domains/plant-telemetry/src/main.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081`
 * or `--config plant-telemetry.yaml` (the fields of plantTelemetryConfigSchema). Runs until Ctrl-C and
 * prints the job's counters every 10 s.
 */
const { values } = parseArgs({
  options: { config: { type: 'string' }, brokers: { type: 'string' }, registry: { type: 'string' }, group: { type: 'string' } },
});
const fromFile = values.config ? (parseYaml(readFileSync(values.config, 'utf8')) as Record<string, unknown>) : {};
const domain = await startPlantTelemetry({
  ...fromFile,
  ...(values.brokers ? { kafka: { ...(fromFile.kafka as object), brokers: values.brokers.split(',') } } : {}),
  ...(values.registry ? { registryUrl: values.registry } : {}),
  ...(values.group ? { groupId: values.group } : {}),
} as never);
const timer = setInterval(() => console.log(JSON.stringify(domain.stats())), 10_000);
const stop = async () => {
  clearInterval(timer);
  await domain.close();
  console.log(JSON.stringify(domain.stats()));
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
