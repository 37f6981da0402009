/** One alarm condition as its latest event in `plant.telemetry.events.v1` shows it. */
export interface ConditionView {
  conditionId: string;
  conditionName: string | null;
  assetPath: string | null;
  signal: string | null;
  sourceName: string;
  severity: number;
  message: string;
  active: boolean | null;
  acked: boolean | null;
  comment: string | null;
  /** ISO time of the latest event at the source. */
  eventTime: string;
  /** The latest event's id: what an acknowledgement names. */
  eventId: string;
  gatewayId: string;
  connector: string;
}

/** Body of `POST /api/plant-events/conditions/{conditionId}/acknowledge`. */
export interface ConditionAcknowledgeRequest {
  /** The event the operator saw (ConditionView.eventId). */
  eventId: string;
  comment: string;
}

/** What the console accepted: the command sent to the gateway; the condition's next event shows the outcome. */
export interface ConditionAcknowledgeAccepted {
  commandId: string;
  gatewayId: string;
  conditionId: string;
  requestedBy: string;
  requestedAt: string;
}
