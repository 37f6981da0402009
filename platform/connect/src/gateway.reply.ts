import type { DesiredStateReport } from './desired-state';

/**
 * The topic gateways answer operators' commands on and send their heartbeats to, keyed by gateway id. Each
 * site's gateway writes it (Kafka ACL), the console reads it: with the commands topic it is the audit trail of
 * what was asked and what the gateway answered. A topic rather than an answer over HTTP for the reason the
 * commands travel on one: a site's gateway only dials out.
 */
export const GATEWAY_REPLIES_TOPIC = '_fieldmesh.gateway-replies';

/**
 * How the replies topic is made (a gateway on a development stack, the Helm chart's KafkaTopic in a cluster):
 * partitions keyed by gateway id keep one gateway's heartbeats and answers in order; kept 30 days as the
 * commands are, so every command's answer stays beside it in the audit trail.
 */
export const GATEWAY_REPLIES_TOPIC_LAYOUT: { partitions: number; configs: Record<string, string> } = {
  partitions: 3,
  configs: { 'retention.ms': String(30 * 24 * 3_600_000) },
};

/** The disk buffer as a heartbeat and the buffer-state answer show it. */
export interface GatewayBufferState {
  segments: number;
  bytes: number;
  /** Records buffered and not yet acknowledged by Kafka. */
  pendingRecords: number;
  /** Sequence number of the oldest record Kafka has not acknowledged; null when nothing is pending. */
  oldestUnackedSeq: number | null;
  droppedRecords: number;
}

/** The gateway's state every `heartbeatSeconds`. */
export interface GatewayHeartbeat {
  kind: 'heartbeat';
  gatewayId: string;
  /** ISO time the gateway sent it. */
  sentAt: string;
  /** The next one is due this many seconds later: a console marks a gateway silent past twice that. */
  intervalSeconds: number;
  state: 'ok' | 'degraded';
  /** Kafka accepts the gateway's records. */
  uplink: boolean;
  /** Connector instance → connected. */
  connectors: Record<string, boolean>;
  buffer: GatewayBufferState;
  startedAt: string;
  /** The desired state it runs and the last one it received; absent on a gateway that does not follow one. */
  desiredState?: DesiredStateReport;
}

export type GatewayAnswerOutcome = 'done' | 'refused' | 'invalid' | 'expired' | 'unknown-connector';

/** A gateway's answer to one command, naming the command and who asked it. */
export interface GatewayAnswer {
  kind: 'answer';
  gatewayId: string;
  /** The command's id; absent only when the command was too broken to name one. */
  commandId: string | null;
  type: string;
  requestedBy: string | null;
  answeredAt: string;
  outcome: GatewayAnswerOutcome;
  /** What went wrong, for every outcome but 'done'. */
  error?: string;
  /**
   * health: the health report; metrics-snapshot: `{ text }` in the Prometheus text format; log-tail: `{ lines }`;
   * effective-config: the config with every secret replaced by `[redacted]`; buffer-state: GatewayBufferState;
   * reconnect-connector: `{ connector }`; acknowledge-condition: `{ conditionId }`.
   */
  answer?: unknown;
}

export type GatewayReply = GatewayHeartbeat | GatewayAnswer;
