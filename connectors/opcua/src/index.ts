export { type BrowseMappingRules, type MappedSignal, mapBrowsePath } from './browse.mapping';
export type { SignalNode } from './signal.node';
export {
  type BrowseConfig,
  type DeadbandConfig,
  type EventsConfig,
  DEPRECATED_SECURITY_POLICIES,
  type OpcuaNodeConfig,
  type OpcuaSourceConfig,
  opcuaSourceConfigSchema,
  parseOpcuaSourceConfig,
  SECURITY_MODES,
  SECURITY_POLICIES,
} from './config';
export {
  ConditionAcknowledgeRefused,
  ConditionAcknowledgeUnavailable,
  CredentialFileUnreadable,
  PasswordEnvUnset,
  SecurityNotOffered,
  ServerCertificateUntrusted,
  UserIdentityRejected,
} from './errors';
export { conditionEventFilter, EVENT_FIELDS, toSourceEvent } from './event.mapping';
export { ucumUnitOf } from './eu.units';
export {
  type CertificateSummary,
  type ClientCertificate,
  describeCertificate,
  ensureClientCertificate,
  normaliseThumbprint,
  trustCertificateFile,
  type TrustServerOptions,
  trustServerCertificate,
} from './pki.trust';
export { toSourceReading } from './reading.mapping';
export { type ConnectorLog, OpcuaSource, type OpcuaSourceMetrics } from './source';
export { opcuaSourceSpec } from './spec';
export { qualityOf } from './status.quality';
