import { provisionProduct, type ProvisionResult } from '@fieldmesh/governance';
import type { CliCommand } from '../cli.command';
import { CONNECTION_HELP, CONNECTION_OPTIONS, kafkaOf, registryOf, withAdmin } from '../connection.options';
import { selectedContracts } from '../contracts.selection';

function describe(result: ProvisionResult): string {
  const configs = Object.entries(result.changedConfigs).map(([name, [from, to]]) => `${name} ${from ?? '(unset)'} → ${to}`);
  return [
    `topic ${result.topicAction}${configs.length > 0 ? ` (${configs.join(', ')})` : ''}`,
    `dlq ${result.dlqAction}`,
    `compatibility ${result.compatibility} ${result.compatibilityAction}`,
    `schema v${result.schemaVersion} (id ${result.schemaId}) ${result.schemaAction}`,
  ].join(' · ');
}

export const productsApplyCommand: CliCommand = {
  group: 'products',
  verb: 'apply',
  summary: 'create or update topics, DLQ topics, compatibility levels and schemas from the contracts',
  help: `Usage: fieldmesh products apply [--contract <file>]... [options]

Makes Kafka and the schema registry match the data contracts: creates each product's topic with the
contract's partitions, replication, retention.ms and cleanup.policy (or sets the configs that differ on an
existing topic), creates its <topic>.dlq topic, sets the subject's compatibility level and registers the
schema. Safe to run again: what already matches is left alone and reported 'unchanged'. Partition counts
of existing topics are never changed (that re-partitions keys); a difference is printed as a warning.

Options:
  --contract <file>   a contract to apply (repeatable; default: every contracts/<domain>/<product>.yaml)
  --json              print the results as JSON
  -h, --help          this text

${CONNECTION_HELP}

Exit code 0 when every product is provisioned, 1 when one failed (the others are still applied).`,
  options: { ...CONNECTION_OPTIONS, contract: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const contracts = await selectedContracts(args, io);
    const registryUrl = registryOf(args, io);
    const { kafka } = kafkaOf(args, io);
    const results: Array<ProvisionResult | { product: string; error: string }> = [];
    await withAdmin(kafka, async (admin) => {
      for (const [i, loaded] of contracts.entries()) {
        io.err(`[${i + 1}/${contracts.length}] applying ${loaded.contract.id} (${loaded.file})…`);
        try {
          const result = await provisionProduct(loaded, { admin, registryUrl });
          results.push(result);
          if (!args.values.json) {
            io.out(`${result.product}  ${result.topic}: ${describe(result)}`);
            for (const warning of result.warnings) io.out(`  warning: ${warning}`);
          }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          results.push({ product: loaded.contract.id, error: message });
          if (!args.values.json) io.out(`${loaded.contract.id}: FAILED: ${message}`);
        }
      }
    });
    if (args.values.json) io.out(JSON.stringify(results, null, 2));
    const failed = results.filter((r) => 'error' in r).length;
    io.err(`${contracts.length - failed} of ${contracts.length} product(s) applied${failed > 0 ? `, ${failed} failed` : ''}.`);
    return failed > 0 ? 1 : 0;
  },
};
