import type { Dataset, JobSpec } from '@fieldmesh/lineage';
import { kafkaDataset, mqttDataset, opcuaDataset, streamingJobTypeFacet } from '@fieldmesh/lineage';
import { dlqTopicFor } from '@fieldmesh/kafka';
import type { GatewayConfig } from '../config/gateway.config';

/** What one configured connector reads, as OpenLineage datasets: MQTT topic filters or the OPC UA nodes it browses or lists. */
function sourceDatasets(connector: GatewayConfig['connectors'][number]): Dataset[] {
  const config = connector.config as Record<string, unknown>;
  if (connector.type === 'opcua') {
    const endpoint = String(config.endpointUrl);
    const nodes = (config.nodes as Array<{ nodeId: string }> | undefined)?.map((node) => node.nodeId) ?? [];
    const root = (config.browse as { rootNodeId?: string } | undefined)?.rootNodeId ?? (nodes.length === 0 ? 'i=85' : undefined);
    return [...nodes, ...(root ? [root] : [])].map((nodeId) => opcuaDataset(endpoint, nodeId));
  }
  const url = String(config.url);
  if (config.format === 'sparkplugb') {
    const groups = (config.sparkplug as { groupIds?: string[] } | undefined)?.groupIds ?? ['+'];
    return groups.map((group) => mqttDataset(url, `spBv1.0/${group}/#`));
  }
  const mappings = (config.mappings as Array<{ topic: string }> | undefined) ?? [];
  // A mapping's pattern names its levels (`+site`); the dataset is the subscribed filter.
  return mappings.map((mapping) => mqttDataset(url, mapping.topic.replace(/\+[A-Za-z_]\w*/g, '+').replace(/#[A-Za-z_]\w*$/, '#')));
}

/** The gateway as an OpenLineage job: from the machines' MQTT topics and OPC UA nodes to the product topic and its DLQ. */
export function gatewayLineageJob(config: GatewayConfig, topic: string, avroSchema: object): JobSpec {
  return {
    name: `edge-gateway.${config.gatewayId}`,
    inputs: config.connectors.flatMap(sourceDatasets),
    outputs: [kafkaDataset(config.kafka.brokers, topic, avroSchema), kafkaDataset(config.kafka.brokers, dlqTopicFor(topic))],
    facets: { jobType: streamingJobTypeFacet('EDGE_GATEWAY') },
  };
}
