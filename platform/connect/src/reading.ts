/** Quality of a reading, as OPC UA status codes and Sparkplug quality map onto it. */
export type Quality = 'GOOD' | 'UNCERTAIN' | 'BAD';

export type SourceProtocol = 'MQTT_JSON' | 'SPARKPLUG_B' | 'OPC_UA' | 'ONEM2M' | 'LWM2M' | 'REPLAY';

/**
 * One reading as a source connector delivers it: already mapped to asset and signal by the connector's
 * mapping rules, not yet calibrated, validated, pseudonymised or sequenced (the gateway does that).
 */
export interface SourceReading {
  /** Source timestamp in epoch ms; the connector's receive time when the source gives none. */
  readingTime: number;
  deviceId: string;
  /** ISA-95 asset path enterprise/site/area/line/asset. */
  assetPath: string;
  signal: string;
  value: number | string | boolean | null;
  /** UCUM code when the source or the mapping knows it. */
  unit?: string;
  quality: Quality;
  /** The source's raw status code (OPC UA StatusCode), when it has one. */
  qualityCode?: number;
  sourceProtocol: SourceProtocol;
  /** MQTT topic or OPC UA node id. */
  sourceAddress: string;
  isHistorical: boolean;
  /** Fields the contract may classify as personal (operator badge, user names) travel here until masked. */
  personal?: Record<string, string>;
  attributes: Record<string, string>;
}

/**
 * A message the connector could not turn into readings (bad JSON, wrong types, unknown Sparkplug alias,
 * oversized). The gateway sends it to the dead-letter topic with the reason; the stream goes on.
 */
export interface SourceReject {
  sourceAddress: string;
  payload: Buffer;
  /** Stable error name, e.g. 'PayloadNotJson', 'UnknownSparkplugAlias'. */
  errorClass: string;
  reason: string;
  receivedTime: number;
}

/**
 * An event or alarm condition as a source delivers it (OPC UA Alarms & Conditions): the gateway publishes
 * it to the events product, not to the readings product, with the same buffer and dead-letter guarantees.
 */
export interface SourceEvent {
  /** The event's time at the source, epoch ms. */
  eventTime: number;
  deviceId: string;
  /** Opaque id of this event occurrence (OPC UA EventId, hex): an acknowledgement names it. */
  eventId: string;
  /** Type of the event, e.g. ExclusiveLevelAlarmType. */
  eventType: string;
  /** Node the event is about (OPC UA SourceNode). */
  sourceNode: string;
  sourceName: string;
  /** Asset and signal of the source node, when the connector maps it to one. */
  assetPath?: string;
  signal?: string;
  /** 1 (lowest) to 1000 (highest), as OPC UA defines it. */
  severity: number;
  message: string;
  /** The condition an alarm event belongs to; absent for plain events. */
  conditionId?: string;
  conditionName?: string;
  active?: boolean;
  acked?: boolean;
  /** The last comment on the condition (e.g. the acknowledging operator's). */
  comment?: string;
  sourceProtocol: SourceProtocol;
  attributes: Record<string, string>;
}
