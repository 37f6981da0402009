export { checkCompatibility, type CompatibilityVerdict, type PreviousSchema } from './compatibility/compatibility.checker';
export { COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY_LEVEL, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility/compatibility.level';
export { DEFAULT_AUDIT_TOPIC, DEFAULT_LINEAGE_TOPIC, registryConfigFromEnv, type GovernanceConfig, type RegistryConfig } from './config';
export { RegistryError, RegistryErrors, SchemaIncompatibleError, UnauthenticatedNetworkBind } from './errors';
export { createRegistryApp, type RunningRegistry } from './registry.app';
export { parseSchema, type ParsedSchema } from './schema/avro.schema';
export { analyseProposal, type ContractVersionInput, type DownstreamImpact, type FieldChange, type ModeVerdict, type ProposalAnalysis } from './analysis/proposal.analysis';
export { EMERGENCY_OVERRIDE_HEADER } from './review/governed-registration';
export { schemaFingerprint } from './review/schema.fingerprint';
export {
  contractAuditEventTypes,
  contractVersionStatuses,
  type ContractAuditEvent,
  type ContractAuditEventType,
  type ContractDetail,
  type ContractSummary,
  type ContractVersionStatus,
  type ContractVersionSummary,
  type Proposal,
  type ProposalStatus,
} from './review/review.types';
