/** Quality of a reading, as OPC UA status codes and Sparkplug quality map onto it. */
export type Quality = 'GOOD' | 'UNCERTAIN' | 'BAD';

export type SourceProtocol = 'MQTT_JSON' | 'SPARKPLUG_B' | 'OPC_UA' | 'REPLAY';

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
