export { mqttSourceConfigSchema, type MqttSourceConfig } from './config';
export { SubscriptionRefused, TlsFileUnreadable, TopicPatternInvalid } from './errors';
export { MqttSource } from './source';
export type { MqttSourceMetrics } from './source.metrics';
export { mqttSourceSpec } from './spec';
