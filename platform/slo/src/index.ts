export { ArrivalCounter } from './arrival.counter';
export { SloEventsReadFailed, SloTopicsMissing } from './errors';
export { DEFAULT_LINE_DEPTH, DEFAULT_SITE_DEPTH, lineScopeOf, siteScopeOf } from './line.scope';
export { readSloEvents, sloEventSchema, type ReadSloEventsOptions } from './slo-events.reader';
export { parseSloMonitorSettings, sloMonitorSettings, type SloMonitorSettings } from './slo-monitor.config';
export { SloEvaluator, type SloEvaluatorOptions } from './slo.evaluator';
export { formatDuration } from './slo.message';
export { startSloMonitor, type SloMonitor, type SloMonitorOptions } from './slo.monitor';
export { objectivesOf, type ProductObjectives } from './slo.objectives';
export { ensureSloTopic, SLO_RETENTION_MS, sloEventKey } from './slo.topic';
export {
  SLO_TOPIC,
  sloNames,
  systemClock,
  WHOLE_PRODUCT,
  type Clock,
  type SloEvent,
  type SloExpectations,
  type SloName,
  type SloRecord,
  type SloState,
  type SloStatus,
} from './slo.types';
