import type { SourceProtocol } from './reading';

/** A `plant.telemetry.events.v1` record (contracts/plant-telemetry/events.yaml) as the gateway writes it and its readers decode it; times as epoch ms. */
export interface PlantEventRecord {
  eventTime: number;
  receivedTime: number;
  gatewayId: string;
  sequenceNumber: number;
  connector: string;
  deviceId: string;
  eventId: string;
  eventType: string;
  sourceNode: string;
  sourceName: string;
  assetPath: string | null;
  signal: string | null;
  severity: number;
  message: string;
  conditionId: string | null;
  conditionName: string | null;
  active: boolean | null;
  acked: boolean | null;
  comment: string | null;
  sourceProtocol: SourceProtocol;
  attributes: Record<string, string>;
}
