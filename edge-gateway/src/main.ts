import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigInvalid, loadConfig } from '@fieldmesh/config';
import { loadGatewayConfig } from './config/load-gateway-config';
import { connectorCatalog } from './connectors.catalog';
import { Gateway } from './gateway';

const help = `fieldmesh-gateway: reads machines over MQTT and OPC UA and publishes Avro telemetry to Kafka.

Usage:
  fieldmesh-gateway run --config gateway.yaml [--root <repo>]   start the gateway (Ctrl-C stops it cleanly)
  fieldmesh-gateway validate --config gateway.yaml               check the config and every connector's config

Options:
  --config <file>   the gateway's YAML configuration
  --root <dir>      where contracts/ and schemas/ are (default: the current directory)
  -h, --help        this text

Metrics are served at http://<observability.host>:<observability.port>/metrics and health at /health.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  if (!values.config) {
    console.error('--config is required (the gateway YAML file)');
    return 2;
  }
  const config = await loadGatewayConfig(values.config);
  if (command === 'validate') {
    config.connectors.forEach((entry, i) => loadConfig(connectorCatalog[entry.type].config, entry.config, `connectors.${i}.config (${entry.name})`));
    console.log(`${values.config} is valid: ${config.connectors.length} connector(s)`);
    return 0;
  }
  if (command !== 'run') {
    console.error(`unknown command '${command}'\n\n${help}`);
    return 2;
  }
  const gateway = await Gateway.start(config, { root: resolve(values.root ?? '.'), connectors: connectorCatalog });
  console.error(`gateway ${config.gatewayId} running; metrics and health at ${gateway.observabilityUrl}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await gateway.close();
  const counts = gateway.stats();
  console.error(`gateway stopped: ${JSON.stringify(counts)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigInvalid ? error.message : error);
    process.exit(error instanceof ConfigInvalid ? 2 : 1);
  },
);
