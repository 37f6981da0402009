export { clockSequenceBase, SegmentLog, type SegmentLogOptions, type SegmentLogStats } from './buffer/segment-log';
export { type GatewayConfig, gatewayConfigSchema } from './config/gateway.config';
export { gatewayExampleFor } from './config/gateway.example';
export { GATEWAY_JSON_SCHEMA_FILE, gatewayJsonSchema } from './config/gateway.json-schema';
export { loadGatewayConfig } from './config/load-gateway-config';
export { connectorCatalog, type ConnectorType, connectorTypes } from './connectors.catalog';
export { Gateway, type GatewayCounts, type GatewayOptions } from './gateway';
export { CaNotInitialised, makeDeviceCsr, SiteCa, type SubjectAltName } from './onboarding';
export { Pseudonymiser } from './privacy/pseudonymiser';
