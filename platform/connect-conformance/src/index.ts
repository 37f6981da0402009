export { readUntil, readUntilThrows, READ_LIMIT_MS, type ReadSoFar, type Settle } from './batch.reader';
export { LinkProxy, type LinkTarget } from './link.proxy';
export { CONFORMANCE_VALUES_PER_TEST, type ConformanceRig, type SourceConformanceHarness } from './source-conformance.harness';
export { describeSourceConformance } from './source-conformance.suite';
