import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigInvalid } from '@fieldmesh/config';
import { connectorsHelp, gatewayHelp } from './cli/gateway.help';
import { loadGatewayConfig } from './config/load-gateway-config';
import { connectorCatalog } from './connectors.catalog';
import { DesiredStateGateway } from './fleet/desired-state.gateway';
import { Gateway } from './gateway';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  // `connectors [<type>]`, or `--help <type>` (where the word is no command, e.g. `--help mqtt`).
  const connectorHelp = command === 'connectors' || (values.help && command !== undefined && command !== 'run' && command !== 'validate');
  if (connectorHelp) {
    const help = connectorsHelp(command === 'connectors' ? positionals[1] : command);
    (help.ok ? console.log : console.error)(help.text);
    return help.ok ? 0 : 2;
  }
  if (values.help || !command) {
    console.log(gatewayHelp());
    return values.help ? 0 : 2;
  }
  if (!values.config) {
    console.error('--config is required (the gateway YAML file)');
    return 2;
  }
  const config = await loadGatewayConfig(values.config);
  if (command === 'validate') {
    // loadGatewayConfig has checked each connector's config against its type's schema too.
    console.log(`${values.config} is valid: ${config.connectors.length} connector(s)`);
    return 0;
  }
  if (command !== 'run') {
    console.error(`unknown command '${command}'\n\n${gatewayHelp()}`);
    return 2;
  }
  const options = { root: resolve(values.root ?? '.'), connectors: connectorCatalog };
  // With desiredState the gateway runs what operators publish for it (and restarts itself in place to apply it).
  const running = config.desiredState ? await DesiredStateGateway.start(config, options) : await Gateway.start(config, options);
  const gateway = () => (running instanceof Gateway ? running : running.gateway);
  console.error(`gateway ${config.gatewayId} running; metrics and health at ${gateway().observabilityUrl}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await running.close();
  const counts = gateway().stats();
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
