import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { DomainDeclaration } from './domain.declaration';
import { startDomain } from './domain.runtime';

/**
 * A domain's command line, the same for every domain: `tsx domains/<domain>/src/main.ts --brokers
 * 127.0.0.1:9092 --registry http://127.0.0.1:8081` or `--config <domain>.yaml` (the platform's fields
 * and the domain's settings). Runs until Ctrl-C and prints the products' counters every 10 s.
 */
export async function runDomainMain(domain: DomainDeclaration, argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, brokers: { type: 'string' }, registry: { type: 'string' } } });
  const fromFile = values.config ? (parseYaml(readFileSync(values.config, 'utf8')) as Record<string, unknown>) : {};
  const running = await startDomain(domain, {
    ...fromFile,
    ...(values.brokers ? { kafka: { ...(fromFile.kafka as object), brokers: values.brokers.split(',') } } : {}),
    ...(values.registry ? { registryUrl: values.registry } : {}),
  });
  const timer = setInterval(() => console.log(JSON.stringify(running.stats())), 10_000);
  const stop = async () => {
    clearInterval(timer);
    await running.close();
    console.log(JSON.stringify(running.stats()));
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
