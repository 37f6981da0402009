import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startEnergy } from './energy.app';
import { loadTariffs } from './energy.config';

/**
 * `tsx domains/energy/src/main.ts --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081 [--tariffs tariffs.yaml]`
 * or `--config energy.yaml` (the fields of energyConfigSchema). Runs until Ctrl-C and prints the job's
 * counters every 10 s. Without --tariffs (or tariffs in the config) the shipped tariffs.yaml applies.
 */
const { values } = parseArgs({
  options: { config: { type: 'string' }, brokers: { type: 'string' }, registry: { type: 'string' }, group: { type: 'string' }, tariffs: { type: 'string' } },
});
const fromFile = values.config ? (parseYaml(readFileSync(values.config, 'utf8')) as Record<string, unknown>) : {};
const domain = await startEnergy({
  ...fromFile,
  ...(values.tariffs ? { tariffs: loadTariffs(values.tariffs) } : {}),
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
