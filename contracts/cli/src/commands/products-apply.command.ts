import { provisionProduct, type LoadedContract, type ProvisionResult } from '@fieldmesh/governance';
import { describeTable, planTable, provisionTable } from '@fieldmesh/warehouse';
import type { CliCommand } from '../cli.command';
import { CONNECTION_HELP, CONNECTION_OPTIONS, kafkaOf, registryAuthOf, registryOf, withAdmin } from '../connection.options';
import { selectedContracts } from '../contracts.selection';
import { applyKafkaAccessOf, describeKafkaAccess, KAFKA_ACCESS_HELP, KAFKA_ACCESS_OPTIONS, kafkaAccessOf } from '../kafka-access.options';
import { applyWarehouseAccess, clickhouseConfigDirOf, describeWarehouseAccess, WAREHOUSE_ACCESS_HELP, WAREHOUSE_ACCESS_OPTIONS } from '../warehouse-access.apply';
import { WAREHOUSE_HELP, WAREHOUSE_OPTIONS, warehouseOf, type Warehouse } from '../warehouse.connection';

function describe(result: ProvisionResult): string {
  const configs = Object.entries(result.changedConfigs).map(([name, [from, to]]) => `${name} ${from ?? '(unset)'} → ${to}`);
  return [
    `topic ${result.topicAction}${configs.length > 0 ? ` (${configs.join(', ')})` : ''}`,
    `dlq ${result.dlqAction}`,
    `compatibility ${result.compatibility} ${result.compatibilityAction}`,
    `schema v${result.schemaVersion} (id ${result.schemaId}) ${result.schemaAction}`,
  ].join(' · ');
}

interface TableResult {
  table: string;
  tableAction: 'created' | 'widened' | 'unchanged';
  /** Why the table differs from the contract's intent on this server, or how an existing one differs. */
  tableWarnings: string[];
}

/**
 * Creates the product's table when missing. Of an existing table only Enum columns gain the symbols the
 * contract appended; anything else is never altered (a migration is a person's call).
 */
async function applyTable(warehouse: Warehouse, loaded: LoadedContract): Promise<TableResult> {
  const plan = planTable(loaded, warehouse.capabilities, { database: warehouse.database });
  const existed = (await describeTable(warehouse.client, plan.database, plan.table)) !== undefined;
  const { drift, widened } = await provisionTable(warehouse.client, plan);
  return {
    table: `${plan.database}.${plan.table}`,
    tableAction: !existed ? 'created' : widened.length > 0 ? 'widened' : 'unchanged',
    tableWarnings: [
      ...widened.map((w) => `table ${plan.database}.${plan.table}: column ${w.column} gained ${w.added.join(', ')} (the contract's new enum symbols)`),
      ...(existed ? [] : plan.warnings),
      ...drift.map(
        (d) => `table ${plan.database}.${plan.table}: ${d.kind} ${d.subject} is ${d.actual}, the contract implies ${d.expected} (not altered; see 'fieldmesh governance check')`,
      ),
    ],
  };
}

export const productsApplyCommand: CliCommand = {
  group: 'products',
  verb: 'apply',
  summary: 'create or update topics, DLQ topics, compatibility levels and schemas from the contracts',
  help: `Usage: fieldmesh products apply [--contract <file>]... [options]

Makes Kafka, the schema registry (and ClickHouse, see below) match the data contracts: creates each product's topic with the
contract's partitions, replication, retention.ms and cleanup.policy (or sets the configs that differ on an
existing topic), creates its <topic>.dlq topic, sets the subject's compatibility level and registers the
schema. Safe to run again: what already matches is left alone and reported 'unchanged'. Partition counts
of existing topics are never changed (that re-partitions keys); a difference is printed as a warning.

Options:
  --contract <file>   a contract to apply (repeatable; default: every contracts/<domain>/<product>.yaml)
  --json              print the results as JSON
  --token <token>     a governance lead's token for a governed registry, which refuses anonymous writes and
                      lets only a lead set compatibility levels (default: env FIELDMESH_TOKEN, else FIELDMESH_REGISTRY_TOKEN)
  -h, --help          this text

${CONNECTION_HELP}

${WAREHOUSE_HELP}
  With a ClickHouse URL, each product's table is created too (MergeTree, ORDER BY asset and time,
  partitioned by time, TTL from the warehouse retention; retention by dropping partitions on servers
  without TTL). Of an existing table, only an Enum column gains the symbols its contract appended
  (ALTER TABLE … MODIFY COLUMN, metadata only; reported 'widened'); any other difference is left alone
  and printed as a warning.

${WAREHOUSE_ACCESS_HELP}

${KAFKA_ACCESS_HELP}

Exit code 0 when every product is provisioned, 1 when one failed (the others are still applied).`,
  options: {
    ...CONNECTION_OPTIONS,
    ...WAREHOUSE_OPTIONS,
    ...WAREHOUSE_ACCESS_OPTIONS,
    ...KAFKA_ACCESS_OPTIONS,
    contract: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    token: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const contracts = await selectedContracts(args, io);
    const registryUrl = registryOf(args, io);
    const registryAuth = registryAuthOf(args, io);
    const { kafka, brokers } = kafkaOf(args, io);
    const kafkaAccess = kafkaAccessOf(args, io);
    const warehouse = await warehouseOf(args, io);
    const configDir = clickhouseConfigDirOf(args, io);
    const results: Array<(ProvisionResult & Partial<TableResult>) | { product: string; error: string }> = [];
    let accessFailed = false;
    try {
      await withAdmin(kafka, async (admin) => {
        for (const [i, loaded] of contracts.entries()) {
          io.err(`[${i + 1}/${contracts.length}] applying ${loaded.contract.id} (${loaded.file})…`);
          try {
            const result = {
              ...(await provisionProduct(loaded, { admin, registryUrl, ...(registryAuth ? { registryAuth } : {}) })),
              ...(warehouse ? await applyTable(warehouse, loaded) : {}),
            };
            results.push(result);
            if (!args.values.json) {
              io.out(`${result.product}  ${result.topic}: ${describe(result)}${result.table ? ` · table ${result.table} ${result.tableAction}` : ''}`);
              for (const warning of [...result.warnings, ...(result.tableWarnings ?? [])]) io.out(`  warning: ${warning}`);
            }
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            results.push({ product: loaded.contract.id, error: message });
            if (!args.values.json) io.out(`${loaded.contract.id}: FAILED: ${message}`);
          }
        }
      });
      if (kafkaAccess.secretsDir) {
        try {
          const applied = await applyKafkaAccessOf(brokers, contracts, { ...kafkaAccess, secretsDir: kafkaAccess.secretsDir });
          if (!args.values.json) for (const line of describeKafkaAccess(applied, kafkaAccess.secretsDir)) io.out(line);
        } catch (error) {
          accessFailed = true;
          io.out(`kafka access: FAILED: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (warehouse && configDir) {
        const applied = contracts.filter((loaded) => results.some((r) => !('error' in r) && r.product === loaded.contract.id));
        try {
          const access = await applyWarehouseAccess(warehouse, applied, args, io, configDir);
          if (!args.values.json) for (const line of describeWarehouseAccess(access)) io.out(line);
        } catch (error) {
          accessFailed = true;
          io.out(`warehouse access: FAILED: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      await warehouse?.client.close();
    }
    if (!kafkaAccess.secretsDir) io.err('Kafka principals and ACLs were not applied: no secrets folder was given (--kafka-secrets-dir or FIELDMESH_KAFKA_SECRETS_DIR).');
    if (warehouse && !configDir) io.err('Warehouse access was not installed: no ClickHouse config folder was given (--clickhouse-config-dir or FIELDMESH_CLICKHOUSE_CONFIG_DIR).');
    if (!warehouse) io.err('Tables were not created: no ClickHouse URL was given (--clickhouse or FIELDMESH_CLICKHOUSE_URL).');
    if (args.values.json) io.out(JSON.stringify(results, null, 2));
    const failed = results.filter((r) => 'error' in r).length;
    io.err(`${contracts.length - failed} of ${contracts.length} product(s) applied${failed > 0 ? `, ${failed} failed` : ''}.`);
    return failed > 0 || accessFailed ? 1 : 0;
  },
};
