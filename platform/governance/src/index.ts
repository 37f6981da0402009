export { checkContract, loadAllContracts, loadContract, type LoadedContract } from './contract.loader';
export {
  classifications,
  compatibilityModes,
  dataContractSchema,
  DEFAULT_MAX_CLOCK_SKEW,
  freshnessBases,
  freshnessBasisOf,
  maskings,
  maxClockSkewMsOf,
  type CompatibilityMode,
  type DataContract,
  type FreshnessBasis,
  type QualityRule,
} from './contract.schema';
export { ContractInvalid } from './errors';
export { durationToDays, durationToMs, isIsoDuration } from './iso-duration';
export { compileContractRules, RecordBreaksContract, validateRecord, type ContractRules, type RuleViolation } from './record.validator';
export { checkDrift, type DriftFinding, type DriftTarget, type DriftTargets, type TableCheck, type TableFinding } from './drift.check';
export { RegistryRequestFailed, SchemaIncompatible, TopicNotListed } from './provision.errors';
export { provisionProduct, provisionTopics, type ProvisionResult, type ProvisionTargets, type TopicsProvisionResult } from './provision.product';
export { RegistryClient, type RegisteredSchema, type RegistryAuth } from './provision.registry';
export {
  awaitTopicsListed,
  brokerCount,
  DLQ_MIN_RETENTION_MS,
  dlqConfigsFor,
  dlqTopicSpecFor,
  topicConfigsFor,
  topicReplicationFactor,
  topicSpecFor,
  valueSubjectFor,
} from './provision.topic';
export { provisionStreamJob, type ProductOnTopic, type StreamJobProvisioning } from './provision.topics';
export { asyncApiFor, AVRO_SCHEMA_FORMAT, type AsyncApiChannel, type AsyncApiDocument, type AsyncApiMessage, type AsyncApiOptions } from './asyncapi/asyncapi.document';
export { consumerExampleFor } from './asyncapi/consumer.example';
export {
  aclDrift,
  DEFAULT_PRINCIPAL_PREFIX,
  kafkaAccessPlan,
  PLATFORM_TOPICS,
  principalNames,
  principalNamesFor,
  type AclDrift,
  type KafkaAccessPlan,
  type KafkaAccessPlanOptions,
} from './kafka-access.plan';
export { applyKafkaAccess, ensurePrincipalPassword, principalPasswordFile, type KafkaAccessApplied } from './kafka-access.apply';
