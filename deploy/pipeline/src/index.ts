export { startDataProducts, WINDOWED_JOB_GROUPS, type DataProducts, type DataProductsOptions } from './data-products';
export { FailureInjector } from './failure.injector';
export { gatewayConfigFor, type GatewayPeers } from './plant-gateway.config';
export { DEFAULT_FAILURES, endOffsets, startPlantPipeline, waitUntil, type PlantPipeline, type PlantPipelineOptions } from './plant.pipeline';
export { BaselineRefused, NoGovernanceLead, UnknownWindowedJob } from './errors';
export { startGovernedRegistry, type GovernedPerson, type GovernedRegistry, type GovernedRegistryOptions } from './governed-registry';
export { PERSONAS, type Persona } from './personas';
export { quietLimitsFor, stageFlows, type StageFlow } from './stage.flows';
export { resetWatermarks, type WatermarkReset } from './watermark.reset';
