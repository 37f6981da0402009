import type { DesiredStateReport, DiagnosticCommandType, FleetRolloutEvent, GatewayAnswer, GatewayBufferState } from '@fieldmesh/connect';

/** One gateway as its last heartbeat on `_fieldmesh.gateway-replies` shows it. */
export interface GatewayView {
  gatewayId: string;
  /** ISO time of the last heartbeat. */
  lastHeartbeat: string;
  /** No heartbeat for more than twice its interval: the gateway, its uplink or Kafka is down. */
  silent: boolean;
  state: 'ok' | 'degraded';
  uplink: boolean;
  connectors: Record<string, boolean>;
  buffer: GatewayBufferState;
  startedAt: string;
  intervalSeconds: number;
  /** The desired-state version it runs and the last one it received with its outcome; null for a gateway that follows none. */
  desiredState: DesiredStateReport | null;
}

/** A rollout of a desired state (`fieldmesh fleet rollout`), from its steps on `_fieldmesh.fleet-rollouts`. */
export interface RolloutView {
  rolloutId: string;
  /** The operator certificate that signed it. */
  by: string;
  startedAt: string;
  /** running until a `completed` or `stopped` step. */
  status: 'running' | 'completed' | 'stopped';
  /** Every step, oldest first (without the earlier states a `published` step keeps for a rollback). */
  steps: Array<Omit<FleetRolloutEvent, 'previous'>>;
}

/** A gateway with its latest answers to operators' commands, newest first. */
export interface GatewayDetail extends GatewayView {
  answers: GatewayAnswer[];
}

/** Body of `POST /api/fleet/gateways/{gatewayId}/commands`. */
export interface FleetCommandRequest {
  type: DiagnosticCommandType;
  /** log-tail: how many lines (1–1000, 100 by default). */
  lines?: number;
  /** reconnect-connector: the connector instance. */
  connector?: string;
}

/** What the console accepted: the command sent to the gateway; its answer comes on the replies topic. */
export interface FleetCommandAccepted {
  commandId: string;
  gatewayId: string;
  type: DiagnosticCommandType;
  requestedBy: string;
  requestedAt: string;
}

/** A command this console sent, with the gateway's answer once it has come. */
export interface FleetCommandStatus extends FleetCommandAccepted {
  answer: GatewayAnswer | null;
}
