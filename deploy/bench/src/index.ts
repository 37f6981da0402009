export { benchOptionsSchema, parseBenchArgs, USAGE, type BenchOptions } from './bench.options';
export { runBench, type BenchResults, type LatencyRun, type SaturationRun } from './bench.runner';
export { formatResults, TARGETS } from './results.report';
export { percentile, percentOf, ratePerSecond, summarise, type CounterSample, type LatencySummary } from './statistics';
export { summariseProfile, type CpuProfile, type ProfileSummary } from './cpu-profile.summary';
export type { Counter, PipelineStage, StageContext } from './stages/stage';
