import { checkDrift, type DriftFinding, type LoadedContract } from '@fieldmesh/governance';
import type { CliCommand, CliIo } from '../cli.command';
import { CONNECTION_HELP, CONNECTION_OPTIONS, kafkaOf, registryOf, withAdmin } from '../connection.options';
import { selectedContracts } from '../contracts.selection';
import { KAFKA_ACCESS_OPTIONS, kafkaAccessOf, kafkaAclDriftOf } from '../kafka-access.options';
import { formatTable } from '../table.format';
import { WAREHOUSE_HELP, WAREHOUSE_OPTIONS, warehouseOf, warehouseTableCheck } from '../warehouse.connection';

export const governanceCheckCommand: CliCommand = {
  group: 'governance',
  verb: 'check',
  summary: 'report drift between the contracts and the topics, the registry and the tables (exit 1 on drift)',
  help: `Usage: fieldmesh governance check [--contract <file>]... [--json] [--strict] [options]

Compares every data contract with reality and lists each difference:
  topic     missing, partitions, replication.factor and min.insync.replicas (the contract's, capped by the
            cluster's brokers: a 1-broker stack expects 1 and 1), retention.ms, cleanup.policy, missing DLQ topic (warning)
  registry  the subject's compatibility level, latest registered schema ≠ the contract's schema
  acl       a grant the contracts imply missing on the cluster (error), or a grant to one of the platform's
            principals that no contract declares (error); --site <id> adds that site's gateway principal,
            --principal-prefix <name> names the environment's principals (default fieldmesh)
  table     missing table, missing/extra columns or column types, engine, ORDER BY, PARTITION BY, TTL
            (≠ the contract's warehouse retention; on a server without TTL, none is expected)

Options:
  --contract <file>   a contract to check (repeatable; default: every contracts/<domain>/<product>.yaml)
  --json              print {"findings": [...], ...} instead of a table
  --strict            exit 1 on warnings too
  -h, --help          this text

${CONNECTION_HELP}

${WAREHOUSE_HELP}

Exit code 1 when a finding is an error (or any finding with --strict), 0 when the contracts hold.
'fieldmesh products apply' repairs topic configs, compatibility levels and schemas.`,
  options: {
    ...CONNECTION_OPTIONS,
    ...WAREHOUSE_OPTIONS,
    site: KAFKA_ACCESS_OPTIONS.site,
    'principal-prefix': KAFKA_ACCESS_OPTIONS['principal-prefix'],
    contract: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    strict: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const contracts = await selectedContracts(args, io);
    const registryUrl = registryOf(args, io);
    const { kafka, brokers } = kafkaOf(args, io);
    const warehouse = await warehouseOf(args, io);
    const checkTable = warehouse ? warehouseTableCheck(warehouse) : undefined;
    const findings: DriftFinding[] = [];
    try {
      await withAdmin(kafka, async (admin) => {
        for (const [i, loaded] of contracts.entries()) {
          io.err(`[${i + 1}/${contracts.length}] checking ${loaded.contract.id}…`);
          findings.push(...(await checkDrift(loaded, { admin, registryUrl, ...(checkTable ? { checkTable } : {}) })));
        }
      });
      findings.push(...(await aclFindings(brokers, contracts, kafkaAccessOf(args, io), io)));
    } finally {
      await warehouse?.client.close();
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    if (args.values.json) {
      io.out(JSON.stringify({ products: contracts.map((c) => c.contract.id), tablesChecked: warehouse !== undefined, findings }, null, 2));
    } else if (findings.length === 0) {
      io.out(`No drift: ${contracts.length} product(s) match their contracts.`);
    } else {
      io.out(
        formatTable(
          ['PRODUCT', 'TARGET', 'FIELD', 'EXPECTED', 'ACTUAL', 'SEVERITY'],
          findings.map((f) => [f.product, f.target, f.field, f.expected, f.actual, f.severity]),
        ),
      );
      io.out(`\n${errors} error(s), ${warnings} warning(s) in ${contracts.length} product(s).`);
    }
    if (!warehouse) io.err('Tables were not checked: no ClickHouse URL was given (--clickhouse or FIELDMESH_CLICKHOUSE_URL).');
    return errors > 0 || (args.values.strict && warnings > 0) ? 1 : 0;
  },
};

/** ACL drift as findings; a cluster without an authorizer is reported, not taken for drift. */
async function aclFindings(brokers: string[], contracts: LoadedContract[], selection: ReturnType<typeof kafkaAccessOf>, io: CliIo): Promise<DriftFinding[]> {
  try {
    const drift = await kafkaAclDriftOf(brokers, contracts, selection);
    return [
      ...drift.missing.map((binding) => ({
        product: binding.principal,
        target: 'acl' as const,
        field: `${binding.operation} ${binding.resourceType}`,
        expected: binding.resourceName,
        actual: 'missing',
        severity: 'error' as const,
      })),
      ...drift.unexpected.map((binding) => ({
        product: binding.principal,
        target: 'acl' as const,
        field: `${binding.operation} ${binding.resourceType}`,
        expected: 'no grant',
        actual: binding.resourceName,
        severity: 'error' as const,
      })),
    ];
  } catch (error) {
    io.err(`ACLs were not checked: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
