import type { LoadedContract } from '@fieldmesh/governance';
import type { WarehouseColumn } from './column.mapping';
import { quoteIdentifier, type TablePlan } from './table.plan';

/** Who may do what in the warehouse; names are ClickHouse user and database names. */
export interface WarehouseAccessNames {
  /** Where the sink writes the product tables (and its offset ledger). */
  productDatabase: string;
  /** Where analysts read: one table per product, without its personal columns. */
  analystDatabase: string;
  analystUser: string;
  sinkUser: string;
  /** Internal: the identity the analyst tables read the product tables with. Nobody logs in as it. */
  gatewayUser: string;
  /** The `remote_servers` cluster (one local replica) the analyst tables read through. */
  gatewayCluster: string;
}

export const DEFAULT_ACCESS_NAMES: WarehouseAccessNames = {
  productDatabase: 'fieldmesh',
  analystDatabase: 'fieldmesh_analyst',
  analystUser: 'fieldmesh_analyst',
  sinkUser: 'fieldmesh_sink',
  gatewayUser: 'fieldmesh_analyst_gateway',
  gatewayCluster: 'fieldmesh_analyst_gateway',
};

/** One product as analysts see it: the columns they get and the personal ones they do not. */
export interface AnalystTable {
  productId: string;
  /** The product table, in the product database. */
  source: { database: string; table: string };
  /** Same name as the product table, in the analyst database. */
  table: string;
  columns: Array<Pick<WarehouseColumn, 'name' | 'type'>>;
  /** Columns of fields the contract classifies `personal`: not granted, whatever their masking. */
  withheldColumns: string[];
}

/** The contract field a column comes from; undefined for the Kafka provenance columns. */
function fieldOf(column: WarehouseColumn): string | undefined {
  return column.source.from === 'kafka' ? undefined : column.source.field;
}

/**
 * What analysts get of one product table. A personal field is withheld even when the contract
 * pseudonymises it: a stable pseudonym still singles a person out (GDPR recital 26), and no analysis
 * of plant data needs it. Internal fields stay: analysts are staff.
 */
export function analystTableFor(plan: TablePlan, loaded: LoadedContract): AnalystTable {
  const personal = (column: WarehouseColumn) => {
    const field = fieldOf(column);
    return field !== undefined && loaded.contract.fields[field]?.classification === 'personal';
  };
  return {
    productId: loaded.contract.id,
    source: { database: plan.database, table: plan.table },
    table: plan.table,
    columns: plan.columns.filter((c) => !personal(c)).map((c) => ({ name: c.name, type: c.type })),
    withheldColumns: plan.columns.filter(personal).map((c) => c.name),
  };
}

/**
 * The analyst's table over a product table. ClickHouse 18.16 grants whole databases only, and checks
 * the reader's rights on the tables a VIEW reads, so a view in the analyst database over the product
 * database is refused to the analyst. A Distributed table is not: it sends the query over TCP to the
 * one local replica of the gateway cluster, where it runs as the gateway user, who may read the
 * product database. The table lists only the granted columns, so a personal column is an unknown
 * identifier; inserts into it are refused because the analyst is readonly.
 */
export function analystTableSql(table: AnalystTable, names: Pick<WarehouseAccessNames, 'analystDatabase' | 'gatewayCluster'> = DEFAULT_ACCESS_NAMES): string {
  const columns = table.columns.map((c) => `  ${quoteIdentifier(c.name)} ${c.type}`).join(',\n');
  return [
    `CREATE TABLE ${quoteIdentifier(names.analystDatabase)}.${quoteIdentifier(table.table)}`,
    `(\n${columns}\n)`,
    `ENGINE = Distributed(${quoteIdentifier(names.gatewayCluster)}, ${quoteIdentifier(table.source.database)}, ${quoteIdentifier(table.source.table)})`,
  ].join('\n');
}

/** A domain's analysts: their own user and database, holding the products whose rows they may read. */
export interface DomainAnalyst {
  domain: string;
  user: string;
  database: string;
}

/** A product's rows as one domain's analysts see them: a view in the row-policy database applies the filter. */
export interface RowPolicyView {
  productId: string;
  domain: string;
  filter: string;
  /** In the row-policy database, which only the gateway reads. */
  view: string;
}

/** One table of a domain analyst's database: the product table itself or, under a row policy, its view. */
export interface DomainAnalystTable {
  analyst: DomainAnalyst;
  table: AnalystTable;
  rowPolicy: RowPolicyView | undefined;
}

const snake = (kebab: string) => kebab.replace(/-/g, '_');

/** `fieldmesh_analyst_energy`, in database `fieldmesh_analyst_energy`. */
export function domainAnalystFor(domain: string, names: Pick<WarehouseAccessNames, 'analystUser' | 'analystDatabase'> = DEFAULT_ACCESS_NAMES): DomainAnalyst {
  return { domain, user: `${names.analystUser}_${snake(domain)}`, database: `${names.analystDatabase}_${snake(domain)}` };
}

/** Where the row-policy views are: readable by the gateway alone. */
export function rowPolicyDatabaseOf(names: Pick<WarehouseAccessNames, 'productDatabase'> = DEFAULT_ACCESS_NAMES): string {
  return `${names.productDatabase}_row_policies`;
}

/**
 * Per-domain analysts, for the domains the contracts' row policies name. ClickHouse 18.16 has no row
 * policies (its users config ignores `<filter>`), so a policy is a view that filters the product table,
 * read through the gateway like every analyst table. Each domain analyst gets every product without row
 * policies whole, the products whose policies name its domain filtered, and not the others.
 */
export function domainAnalystTablesFor(
  products: ReadonlyArray<{ table: AnalystTable; loaded: LoadedContract }>,
  names: WarehouseAccessNames = DEFAULT_ACCESS_NAMES,
): DomainAnalystTable[] {
  const policiesOf = (loaded: LoadedContract) => loaded.contract.warehouse?.rowPolicies ?? [];
  const domains = [...new Set(products.flatMap(({ loaded }) => policiesOf(loaded).map((p) => p.domain)))].sort();
  return domains.flatMap((domain) => {
    const analyst = domainAnalystFor(domain, names);
    return products.flatMap(({ table, loaded }): DomainAnalystTable[] => {
      const policies = policiesOf(loaded);
      if (policies.length === 0) return [{ analyst, table, rowPolicy: undefined }];
      const policy = policies.find((p) => p.domain === domain);
      if (!policy) return [];
      return [{ analyst, table, rowPolicy: { productId: table.productId, domain, filter: policy.filter, view: `${table.table}__${snake(domain)}` } }];
    });
  });
}

/** The view that applies a row policy: the granted columns of the product table, filtered. */
export function rowPolicyViewSql(entry: DomainAnalystTable & { rowPolicy: RowPolicyView }, names: Pick<WarehouseAccessNames, 'productDatabase'> = DEFAULT_ACCESS_NAMES): string {
  const columns = entry.table.columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const source = `${quoteIdentifier(entry.table.source.database)}.${quoteIdentifier(entry.table.source.table)}`;
  return `CREATE VIEW ${quoteIdentifier(rowPolicyDatabaseOf(names))}.${quoteIdentifier(entry.rowPolicy.view)} AS SELECT ${columns} FROM ${source} WHERE ${entry.rowPolicy.filter}`;
}

/** The domain analyst's table: through the gateway to the product table, or to its row-policy view. */
export function domainAnalystTableSql(entry: DomainAnalystTable, names: WarehouseAccessNames = DEFAULT_ACCESS_NAMES): string {
  const source = entry.rowPolicy ? { database: rowPolicyDatabaseOf(names), table: entry.rowPolicy.view } : entry.table.source;
  return analystTableSql({ ...entry.table, source }, { analystDatabase: entry.analyst.database, gatewayCluster: names.gatewayCluster });
}
