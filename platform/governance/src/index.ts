export { checkContract, loadAllContracts, loadContract, type LoadedContract } from './contract.loader';
export { classifications, compatibilityModes, dataContractSchema, maskings, type CompatibilityMode, type DataContract, type QualityRule } from './contract.schema';
export { ContractInvalid } from './errors';
export { durationToDays, durationToMs, isIsoDuration } from './iso-duration';
export { validateRecord } from './record.validator';
