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
  };
}
