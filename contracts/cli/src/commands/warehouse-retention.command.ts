import { dropExpiredPartitions, findExpiredPartitions, planTable } from '@fieldmesh/warehouse';
import { UsageError, type CliCommand } from '../cli.command';
import { CONNECTION_OPTIONS } from '../connection.options';
import { selectedContracts } from '../contracts.selection';
import { WAREHOUSE_HELP, WAREHOUSE_OPTIONS, warehouseOf } from '../warehouse.connection';

interface TableRetention {
  product: string;
  table: string;
  retentionDays: number;
  /** 'ttl': the server expires rows itself; 'partitions': expired partitions dropped (or listed with --dry-run). */
  enforcedBy: 'ttl' | 'partitions';
  expiredPartitions: string[];
  dropped: boolean;
}

export const warehouseRetentionCommand: CliCommand = {
  group: 'warehouse',
  verb: 'retention',
  summary: "enforce the contracts' warehouse retention on servers without TTL (drops expired partitions)",
  help: `Usage: fieldmesh warehouse retention --clickhouse <url> [--contract <file>]... [--dry-run] [options]

Enforces each contract's warehouse retention (retention.warehouse) on its ClickHouse table. A server with
TTL (19.6 and later) expires rows itself: the table is reported as 'ttl'. On older servers (Debian's 18.16)
the partitions whose rows are all past the retention are dropped, whole partitions only (a row may outlive
its retention by up to one partition: a day, or a month beyond a year of retention).

Run it as the warehouse's admin, e.g. from a daily systemd timer or cron: the ClickHouse sink's own user
is insert-only ('fieldmesh products apply --clickhouse-config-dir' installs it with allow_ddl = 0), so the
sink's hourly retention job is refused there and points here.

Options:
  --contract <file>   a contract whose table to enforce (repeatable; default: every contracts/<domain>/<product>.yaml)
  --dry-run           list the expired partitions, drop nothing
  --json              print the results as JSON
  --root <dir>        the repository holding contracts/ (default: the current folder's repository)
  -h, --help          this text

${WAREHOUSE_HELP}

Exit code 0 when every table is enforced (or has TTL), 1 when one failed (the others are still enforced).`,
  options: {
    ...WAREHOUSE_OPTIONS,
    root: CONNECTION_OPTIONS.root,
    contract: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const contracts = await selectedContracts(args, io);
    const warehouse = await warehouseOf(args, io);
    if (!warehouse) throw new UsageError('Invalid warehouse settings:\n  - clickhouse: is required (--clickhouse or FIELDMESH_CLICKHOUSE_URL)');
    const dryRun = args.values['dry-run'] === true;
    const results: Array<TableRetention | { product: string; error: string }> = [];
    try {
      for (const loaded of contracts) {
        const plan = planTable(loaded, warehouse.capabilities, { database: warehouse.database });
        const table = `${plan.database}.${plan.table}`;
        const base = { product: loaded.contract.id, table, retentionDays: plan.retentionDays };
        try {
          if (plan.ttl !== undefined) {
            results.push({ ...base, enforcedBy: 'ttl', expiredPartitions: [], dropped: false });
            continue;
          }
          const expired = dryRun ? await findExpiredPartitions(warehouse.client, plan) : await dropExpiredPartitions(warehouse.client, plan);
          results.push({ ...base, enforcedBy: 'partitions', expiredPartitions: expired, dropped: !dryRun });
        } catch (error) {
          results.push({ product: loaded.contract.id, error: error instanceof Error ? error.message : String(error) });
        }
      }
    } finally {
      await warehouse.client.close();
    }
    if (args.values.json) io.out(JSON.stringify(results, null, 2));
    else for (const result of results) io.out(describe(result));
    return results.some((result) => 'error' in result) ? 1 : 0;
  },
};

function describe(result: TableRetention | { product: string; error: string }): string {
  if ('error' in result) return `${result.product}: FAILED: ${result.error}`;
  const head = `${result.product}  ${result.table} (${result.retentionDays} days)`;
  if (result.enforcedBy === 'ttl') return `${head}: TTL on the server expires rows`;
  if (result.expiredPartitions.length === 0) return `${head}: no expired partition`;
  return `${head}: ${result.dropped ? 'dropped' : 'expired (dry run, not dropped)'} ${result.expiredPartitions.join(', ')}`;
}
