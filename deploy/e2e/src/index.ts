export { reconcile, type PublishedCounts, type Reconciliation, type WarehouseRow } from './faults.reconciliation';
export { KILLED_SERVICES, runFaultsEndToEnd, type FaultsRunOptions, type FaultsRunReport } from './faults.scenario';
export { GatewayProcess, type GatewayHealth } from './gateway.process';
export { isolatedRawProduct, type IsolatedProduct } from './isolated.product';
export { KillableProcess } from './killable.process';
export { SinkProcess } from './sink.process';
export { distinctByProtocol, orderViolations, readingKey, unidentifiableDuplicates } from './telemetry.checks';
export { readTelemetry, type TelemetryRecord } from './telemetry.reader';
export { connectorUp, waitFor } from './wait';
