/** Counters the gateway exports (as Prometheus metrics) per connector instance. */
export interface MqttSourceMetrics {
  /** MQTT messages taken into batches (a redelivered message counts again). */
  messagesIn: number;
  /** Readings in batches the runtime acked. */
  readingsOut: number;
  /** Rejects in acked batches, by errorClass (PayloadNotJson, UnknownSparkplugAlias, …). */
  rejectsByErrorClass: Record<string, number>;
  batchesAcked: number;
  batchesNacked: number;
  /** Sparkplug messages whose seq was not the previous one + 1 (mod 256), redeliveries excepted. */
  sparkplugSeqGaps: number;
  /** NCMD Node Control/Rebirth requests published (unknown alias or seq gap, rate-limited per node). */
  sparkplugRebirthsRequested: number;
  /** NDEATH (matching the node's bdSeq) and DDEATH messages. */
  sparkplugDeaths: number;
  /** Connections that ended without close() or a nack: broker gone, network, keep-alive timeout. */
  connectionsLost: number;
  /** Messages on topics no configured filter matches (sent for a filter left in the session by an earlier configuration), acknowledged and dropped. */
  messagesOutsideSubscriptions: number;
  /** Second copies of a message, sent for another matching subscription, acknowledged and dropped. */
  duplicateCopiesDropped: number;
  /** Filters unsubscribed because the session held them but the config no longer names them. */
  staleSubscriptionsRemoved: number;
}

export function emptyMetrics(): MqttSourceMetrics {
  return {
    messagesIn: 0,
    readingsOut: 0,
    rejectsByErrorClass: {},
    batchesAcked: 0,
    batchesNacked: 0,
    sparkplugSeqGaps: 0,
    sparkplugRebirthsRequested: 0,
    sparkplugDeaths: 0,
    connectionsLost: 0,
    messagesOutsideSubscriptions: 0,
    duplicateCopiesDropped: 0,
    staleSubscriptionsRemoved: 0,
  };
}
