/** Counters the gateway exports (as Prometheus metrics) per connector instance. */
export interface MqttSourceMetrics {
  messagesIn: number;
  readingsOut: number;
  rejectsByErrorClass: Record<string, number>;
  batchesAcked: number;
  batchesNacked: number;
  sparkplugSeqGaps: number;
  sparkplugRebirthsRequested: number;
  sparkplugDeaths: number;
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
