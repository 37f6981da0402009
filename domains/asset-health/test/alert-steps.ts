import type { AlertEvent } from '../src/index';

/** A step another writer of the alerts topic (the console) produced, as the domain reads it back. */
export function foreignStep(opened: AlertEvent, type: AlertEvent['type'], by: string, overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    ...opened,
    eventId: `${opened.alertId}/${type}`,
    type,
    by,
    at: new Date(60_000),
    note: null,
    score: null,
    threshold: null,
    modelName: null,
    modelVersion: null,
    windowStart: null,
    contributors: [],
    ...overrides,
  };
}
