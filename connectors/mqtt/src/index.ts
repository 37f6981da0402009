export { jsonFormatSchema, mqttSourceConfigSchema, sparkplugFormatSchema, type MqttSourceConfig } from './config';
export type { InboundMessage, MessageDecoder } from './decoded-message';
export { SubscriptionRefused, TlsFileUnreadable, TopicPatternInvalid } from './errors';
export { JsonDecoder } from './json.decoder';
export { MqttSource } from './source';
export { BirthRegistry } from './sparkplug.births';
export { SparkplugDecoder } from './sparkplug.decoder';
export type { MqttSourceMetrics } from './source.metrics';
export { mqttSourceSpec } from './spec';
