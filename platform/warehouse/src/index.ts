export { analystAccessSql, type AnalystAccess } from './analyst.access';
export { columnsForSchema, PROVENANCE_COLUMNS, type ColumnEncoding, type ColumnSource, type WarehouseColumn } from './column.mapping';
export { NoTimeColumn, RowEncodeFailed, UnsupportedAvroType, WarehouseAccessConfigInvalid, WarehouseAccessNotLoaded, WarehouseStatementFailed } from './errors';
export { dropExpiredPartitions, expiredPartitions, findExpiredPartitions, partitionEnd } from './retention.job';
export { RowBinaryEncoder, structureOf, type KafkaCoordinates } from './row-binary.encoder';
export { capabilitiesOf, probeCapabilities, type ServerCapabilities } from './server.capabilities';
export type { EnumWidening } from './enum.widening';
export { describeTable, tableDrift, type DriftKind, type TableDescription, type TableDrift } from './table.introspection';
export {
  createTableSql,
  distributedTableName,
  distributedTableSql,
  planTable,
  qualifiedTableName,
  quoteIdentifier,
  tableNameFor,
  type PartitionGranularity,
  type PlanOptions,
  type TablePlan,
} from './table.plan';
export { provisionTable, type ProvisionedTable } from './table.provisioner';
export { OFFSET_LEDGER_TABLE, provisionOffsetLedger } from './offset.ledger';
export { readOrCreateSecret } from './secret.file';
export { accessFileName, installWarehouseAccess, warehouseAccessSettingsSchema, type InstalledWarehouseAccess, type WarehouseAccessSettings } from './warehouse-access.installer';
export { applyDomainAnalystTables, type InstalledDomainTable } from './row-policy.installer';
export {
  analystTableFor,
  analystTableSql,
  DEFAULT_ACCESS_NAMES,
  domainAnalystFor,
  domainAnalystTablesFor,
  domainAnalystTableSql,
  rowPolicyDatabaseOf,
  rowPolicyViewSql,
  type AnalystTable,
  type DomainAnalyst,
  type DomainAnalystTable,
  type RowPolicyView,
  type WarehouseAccessNames,
} from './warehouse-access.plan';
export { gatewayClusterXml, warehouseUsersXml, type UserCredentials, type WarehouseUsersInput } from './warehouse-access.xml';
