export { readTelemetry, type TelemetryRecord } from './telemetry.reader';
