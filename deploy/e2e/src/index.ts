export { gatewayConfigFor, type GatewayPeers } from './gateway.config.builder';
export { readTelemetry, type TelemetryRecord } from './telemetry.reader';
