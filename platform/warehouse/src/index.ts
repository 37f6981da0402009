export { analystAccessFor, analystAccessSql, analystUsersXml, type AnalystAccess } from './analyst.access';
export { columnsForSchema, PROVENANCE_COLUMNS, type ColumnEncoding, type ColumnSource, type WarehouseColumn } from './column.mapping';
export { NoTimeColumn, RowEncodeFailed, UnsupportedAvroType, WarehouseStatementFailed } from './errors';
export { dropExpiredPartitions, expiredPartitions, partitionEnd } from './retention.job';
export { RowBinaryEncoder, structureOf, type KafkaCoordinates } from './row-binary.encoder';
export { capabilitiesOf, probeCapabilities, type ServerCapabilities } from './server.capabilities';
export { describeTable, tableDrift, type DriftKind, type TableDescription, type TableDrift } from './table.introspection';
export { createTableSql, planTable, qualifiedTableName, quoteIdentifier, tableNameFor, type PartitionGranularity, type PlanOptions, type TablePlan } from './table.plan';
export { provisionTable, type ProvisionedTable } from './table.provisioner';
