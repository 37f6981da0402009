export { ContractCatalog, contractRootsOf } from './contract.catalog';
export { domainConfigSchema, platformConfigSchema, REPO_ROOT, type DomainPlatformConfig } from './domain.config';
export {
  defineDataProduct,
  defineDomain,
  isDomainDeclaration,
  type AnyDomain,
  type DataProductDeclaration,
  type DomainContext,
  type DomainDeclaration,
  type ProductContext,
  type ProductPipeline,
  type ProductStats,
  type RunningDomain,
  type RunningDomainOf,
  type StartContext,
  type StatPath,
  type StatsMetrics,
} from './domain.declaration';
export { discoverDomains } from './domain.discovery';
export { DomainMetrics, serveDomainMetrics } from './domain.metrics';
export { runDomainMain } from './domain.main';
export { startDomain, type DomainHooks } from './domain.runtime';
export { driveDomain, type DomainTestDrivers } from './domain.test-driver';
export { ContractNotFound, DomainNotDeclared, ProductInputUnknown, StatNotACount } from './errors';
export { productJobLineage } from './product.lineage';
export { wireDomain, type ProductWiring, type WiringOverrides } from './product.wiring';
