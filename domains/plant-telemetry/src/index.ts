export { ArrivalTracker, type Arrival } from './clean/arrival.tracker';
export { CleanModule } from './clean/clean.module';
export { CleanPipeline, type CleanPipelineOptions, type CleanPipelineStats } from './clean/clean.pipeline';
export { DedupeMemory, type DedupeMemoryOptions, type DedupeVerdict } from './clean/dedupe.memory';
export { ReadingCleaner, type CleanOutcome, type CleanReading, type CleanerStats, type RawReading } from './clean/reading.cleaner';
export { normaliseUnit, UNIT_CONVERSIONS, type Normalised } from './clean/unit.normaliser';
export { CleanContractViolated, ContractIncomplete, ReadingLate } from './errors';
export { CLEAN_CONTRACT, startPlantTelemetry, type PlantTelemetryDomain, type PlantTelemetryStats } from './plant-telemetry.app';
export { DEFAULT_ROOT, plantTelemetryConfigSchema, type PlantTelemetryConfig, type PlantTelemetryConfigInput } from './plant-telemetry.config';
