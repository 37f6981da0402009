export { MetricsPortInUse } from './errors';
export { startObservabilityServer, type HealthReport, type MetricsSource, type ObservabilityServer } from './observability.server';
