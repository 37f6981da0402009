export { ANALYST_QUERIES_DIR, loadAnalystQueries, runAnalystQueries, type AnalystQuery, type AnalystQueryResult } from './analyst.queries';
export { openWarehouse, type Warehouse } from './client';
export { clickhouseSinkConfigSchema, type ClickhouseSettings, type ClickhouseSinkConfig, type ClickhouseSinkSettings } from './config';
export { InsertFailed, TombstoneRecord, WarehouseUnavailable } from './errors';
export { TableOffsetStore } from './offset.store';
// Where analysts read a cluster's table (`<table>_all`), for callers that count as they do.
export { distributedTableName } from '@fieldmesh/warehouse';
export { startClickhouseSink, type ClickhouseSinkDependencies, type ClickhouseSinkHandle, type ClickhouseSinkStats, type TableStats } from './sink';
export { clickhouseSinkSpec } from './spec';
