/** The steps of an alert's life, in order. */
export const ALERT_EVENT_TYPES = ['OPENED', 'ACKNOWLEDGED', 'DIAGNOSED', 'DISPATCHED', 'VERIFIED', 'CLOSED'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];
/** The steps people take; OPENED is the operator's. */
export type AlertAction = Exclude<AlertEventType, 'OPENED'>;

/** Who the anomaly operator is when it opens or closes an alert itself. */
export const SYSTEM_ACTOR = 'system:asset-health';

/** One record of `asset-health.alerts.v1`. */
export interface AlertEvent {
  eventId: string;
  alertId: string;
  assetPath: string;
  assetClass: string;
  type: AlertEventType;
  at: Date;
  by: string;
  note: string | null;
  score: number | null;
  threshold: number | null;
  modelName: string | null;
  modelVersion: string | null;
  windowStart: Date | null;
  contributors: string[];
  diagnosis: string | null;
  workOrderId: string | null;
}

/** An alert's current state, folded from its events. */
export interface AlertView {
  alertId: string;
  assetPath: string;
  assetClass: string;
  /** The type of its latest event. */
  status: AlertEventType;
  openedAt: Date;
  onset: Date | null;
  score: number | null;
  modelName: string | null;
  modelVersion: string | null;
  contributors: string[];
  diagnosis: string | null;
  workOrderId: string | null;
  history: AlertEvent[];
}
