export { CheckpointStore, checkpointTopicFor, type JobCheckpoint } from './checkpoint.store';
export { ContractRulesGuard, RULE_STAGES, type RuleViolationCount, type StreamJobRules } from './contract-rules.guard';
export { eachRecord } from './each-record';
export { CheckpointUnreadable, DuplicateTopicHandler, EventTimeBeyondClockSkew, NoTopicHandlers, RecordFailed, StreamJobConfigInvalid, UndeclaredOutputTopic } from './errors';
export { partitionKey, type PartitionOffset } from './partition.position';
export type { InputProgress, ReplayableState, StateCheckpoint } from './replayable.state';
export {
  PRODUCED_BY_HEADER,
  runStreamJob,
  type StreamJob,
  type StreamJobDescription,
  type StreamJobLineage,
  type StreamJobOptions,
  type StreamJobSerde,
  type StreamJobStats,
} from './stream-job';
export { streamJobSettingsSchema, type StreamJobSettings } from './stream-job.config';
export type { StreamHandler } from './stream-handler.types';
export type { StreamOutput, StreamRecord } from './stream.types';
export { StreamHandlerModule } from './stream-handler.module';
export { createStreamsApp, type StreamsApp } from './streams.app';
export { StreamsContext } from './streams.context';
export { StreamsExceptionFilter } from './streams.exception-filter';
export { StreamsTransport, type StreamsTransportOptions } from './streams.transport';
export { TestDriver, type TestDeadLetter, type TestDriverOptions, type TestInput } from './test.driver';
export { DEFAULT_MAX_CLOCK_SKEW_MS, TumblingWindows, type TumblingWindowsOptions, type TumblingWindowsStats, type WindowBounds, type WindowResult } from './tumbling.windows';
export { readTopic, type ReadRecord } from './topic.reader';
