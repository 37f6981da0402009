export { SegmentLog, type SegmentLogOptions, type SegmentLogStats } from './buffer/segment-log';
export { type GatewayConfig, gatewayConfigSchema } from './config/gateway.config';
export { loadGatewayConfig } from './config/load-gateway-config';
export { connectorCatalog } from './connectors.catalog';
export { Gateway, type GatewayCounts, type GatewayOptions } from './gateway';
export { Pseudonymiser } from './privacy/pseudonymiser';
