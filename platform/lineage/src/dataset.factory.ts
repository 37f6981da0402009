import { dataSourceFacet, documentationFacet, ownershipFacet, schemaFacet, type Owner } from './facets';
import type { ColumnLineageFacet, Dataset, Facet, SchemaField } from './openlineage.schema';

export interface DatasetOptions {
  /** The dataset's schema: a parsed Avro record schema or the fields already listed. */
  schema?: object | SchemaField[];
  /** The owning team (from the data contract). */
  owner?: Owner;
  description?: string;
  /** For an output: how its fields derive from the job's inputs (see `columnLineage`). */
  columnLineage?: ColumnLineageFacet;
}

function dataset(namespace: string, name: string, options: DatasetOptions): Dataset {
  const facets: Record<string, Facet> = { dataSource: dataSourceFacet(namespace) };
  if (options.schema) facets.schema = schemaFacet(options.schema);
  if (options.owner) facets.ownership = ownershipFacet(options.owner);
  if (options.description) facets.documentation = documentationFacet(options.description);
  if (options.columnLineage) facets.columnLineage = options.columnLineage;
  return { namespace, name, facets };
}

/** host:port of a URL or address, without scheme, credentials, path or trailing slash. */
function authority(address: string): string {
  const trimmed = address.trim();
  if (!trimmed.includes('://')) return trimmed.replace(/\/+$/, '');
  const url = new URL(trimmed);
  return url.host;
}

/**
 * The namespace of a Kafka cluster, `kafka://<host:port>`. With several bootstrap brokers the smallest
 * one is used, so every job names the same cluster the same way whatever order its config lists them in.
 */
export function kafkaNamespace(bootstrap: string | readonly string[]): string {
  const brokers = (typeof bootstrap === 'string' ? bootstrap.split(',') : [...bootstrap])
    .map((b) => b.trim())
    .filter(Boolean)
    .sort();
  const first = brokers[0];
  if (!first) throw new TypeError('kafkaNamespace needs at least one bootstrap broker (host:port)');
  return `kafka://${authority(first)}`;
}

/** A Kafka topic: namespace `kafka://<bootstrap>`, name the topic. */
export function kafkaDataset(bootstrap: string | readonly string[], topic: string, avroSchema?: object, options: Omit<DatasetOptions, 'schema'> = {}): Dataset {
  return dataset(kafkaNamespace(bootstrap), topic, { ...options, ...(avroSchema ? { schema: avroSchema } : {}) });
}

/** The namespace of a ClickHouse server (`http://host:8123` or `host:8123`), or `clickhouse://chdb` for the embedded engine. */
export function clickhouseNamespace(server: string): string {
  return `clickhouse://${authority(server)}`;
}

/** A ClickHouse table: namespace `clickhouse://<host:port>`, name `<database>.<table>`. */
export function clickhouseDataset(server: string, database: string, table: string, options: DatasetOptions = {}): Dataset {
  return dataset(clickhouseNamespace(server), `${database}.${table}`, options);
}

/** An MQTT topic (or topic filter) of a broker: namespace `mqtt://<host:port>`, name the topic. */
export function mqttDataset(brokerUrl: string, topic: string, options: DatasetOptions = {}): Dataset {
  return dataset(`mqtt://${authority(brokerUrl)}`, topic, options);
}

/** An OPC UA node of a server: namespace `opcua://<host:port>` (from `opc.tcp://host:port/path`), name the node id. */
export function opcuaDataset(endpointUrl: string, nodeId: string, options: DatasetOptions = {}): Dataset {
  return dataset(`opcua://${authority(endpointUrl)}`, nodeId, options);
}

/**
 * A oneM2M resource of a CSE reached over the HTTP binding: namespace `onem2m://<host:port>` (from the CSE's
 * point of access), name the resource's structured path `<CSEBase name>/<container path>`.
 */
export function onem2mDataset(cseUrl: string, resourcePath: string, options: DatasetOptions = {}): Dataset {
  return dataset(`onem2m://${authority(cseUrl)}`, resourcePath, options);
}

/**
 * An LwM2M resource of a device registered with the gateway's LwM2M server: namespace `lwm2m://<host:port>`
 * (where the server listens), name `<endpoint client name>/<object>/<instance>/<resource>`.
 */
export function lwm2mDataset(serverAddress: string, resourcePath: string, options: DatasetOptions = {}): Dataset {
  return dataset(`lwm2m://${authority(serverAddress)}`, resourcePath, options);
}
