export { checkCompatibility, type CompatibilityVerdict, type PreviousSchema } from './compatibility/compatibility.checker';
export { COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY_LEVEL, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility/compatibility.level';
export { registryConfigFromEnv, type RegistryConfig } from './config';
export { RegistryError, RegistryErrors, SchemaIncompatibleError } from './errors';
export { createRegistryApp, type RunningRegistry } from './registry.app';
export { parseSchema, type ParsedSchema } from './schema/avro.schema';
export { analyseProposal, type ContractVersionInput, type DownstreamImpact, type FieldChange, type ModeVerdict, type ProposalAnalysis } from './analysis/proposal.analysis';
