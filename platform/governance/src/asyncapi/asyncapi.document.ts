import { createHash } from 'node:crypto';
import type { LoadedContract } from '../contract.loader';
import type { DataContract } from '../contract.schema';
import { topicConfigsFor, valueSubjectFor } from '../provision.topic';

/** Where downstream services connect: the Kafka bootstrap servers and the schema registry. */
export interface AsyncApiOptions {
  /** Comma-separated `host:port` list, as Kafka clients take it. */
  kafkaBrokers: string;
  registryUrl: string;
  title?: string;
}

// The Kafka bindings version the AsyncAPI 3.0.0 schema knows last.
const KAFKA_BINDING_VERSION = '0.5.0';
export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';
const AVRO_CONTENT_TYPE = 'avro/binary';

const WIRE_FORMAT =
  'Values are Avro binary in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro body. ' +
  'The id resolves in the schema registry; the subject is `<topic>-value` (TopicNameStrategy). Keys are UTF-8 strings.';

type Reference = { $ref: string };

export interface AsyncApiChannel {
  address: string;
  title: string;
  summary: string;
  description: string;
  messages: Record<string, Reference>;
  tags: { name: string; description?: string }[];
  bindings: {
    kafka: {
      topic: string;
      partitions: number;
      replicas: number;
      topicConfiguration: { 'cleanup.policy': string[]; 'retention.ms': number };
      bindingVersion: string;
    };
  };
  'x-owner': DataContract['owner'];
  'x-contract': {
    id: string;
    version: string;
    status: DataContract['status'];
    compatibility: DataContract['compatibility'];
    subject: string;
    retention: DataContract['retention'];
    slos: DataContract['slos'];
    upstream: string[];
  };
}

export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  description: string;
  contentType: string;
  payload: { schemaFormat: string; schema: unknown };
  tags: { name: string }[];
  bindings: {
    kafka: { key: { type: 'string'; description: string }; schemaIdLocation: 'payload'; schemaIdPayloadEncoding: string; schemaLookupStrategy: string; bindingVersion: string };
  };
  'x-owner': DataContract['owner'];
  'x-fields': DataContract['fields'];
}

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string; tags: { name: string; description?: string }[] };
  defaultContentType: string;
  servers: Record<
    string,
    { host: string; protocol: 'kafka'; description: string; bindings: { kafka: { schemaRegistryUrl: string; schemaRegistryVendor: 'confluent'; bindingVersion: string } } }
  >;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, { action: 'send'; channel: Reference; title: string; summary: string; messages: Reference[] }>;
  components: { messages: Record<string, AsyncApiMessage> };
}

/** `asset-health.anomaly-scores` → `assetHealthAnomalyScores`, an id that reads well in code generators. */
function camelId(id: string): string {
  return id.replace(/[.-]+(\w)/g, (_, letter: string) => letter.toUpperCase());
}

function servers(options: AsyncApiOptions): AsyncApiDocument['servers'] {
  const brokers = options.kafkaBrokers
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  return Object.fromEntries(
    brokers.map((host, index) => [
      brokers.length === 1 ? 'kafka' : `kafka-${index + 1}`,
      {
        host,
        protocol: 'kafka' as const,
        description: `Kafka bootstrap server${brokers.length > 1 ? ` ${index + 1} of ${brokers.length}` : ''}. ${WIRE_FORMAT}`,
        bindings: { kafka: { schemaRegistryUrl: options.registryUrl, schemaRegistryVendor: 'confluent' as const, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    ]),
  );
}

function describe(contract: DataContract): string {
  const { purpose, usage, limitations } = contract.description;
  return [purpose, usage && `Usage: ${usage}`, limitations && `Limitations: ${limitations}`, `Owner: ${contract.owner.team} <${contract.owner.contact}>.`]
    .filter(Boolean)
    .join('\n\n');
}

function channelFor({ contract }: LoadedContract, messageId: string): AsyncApiChannel {
  const configs = topicConfigsFor(contract);
  return {
    address: contract.kafka.topic,
    title: `${contract.domain} / ${contract.dataProduct}`,
    summary: contract.description.purpose,
    description: `${describe(contract)}\n\n${WIRE_FORMAT}`,
    messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
    tags: [{ name: `domain:${contract.domain}` }, { name: `owner:${contract.owner.team}`, description: contract.owner.contact }],
    bindings: {
      kafka: {
        topic: contract.kafka.topic,
        partitions: contract.kafka.partitions,
        replicas: contract.kafka.replicationFactor,
        topicConfiguration: { 'cleanup.policy': (configs['cleanup.policy'] ?? 'delete').split(','), 'retention.ms': Number(configs['retention.ms']) },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    'x-owner': contract.owner,
    'x-contract': {
      id: contract.id,
      version: contract.version,
      status: contract.status,
      compatibility: contract.compatibility,
      subject: valueSubjectFor(contract),
      retention: contract.retention,
      slos: contract.slos,
      upstream: contract.upstream,
    },
  };
}

function messageFor({ contract, avroSchema }: LoadedContract): AsyncApiMessage {
  return {
    name: avroSchema.name,
    title: `${contract.id} ${contract.version}`,
    summary: contract.description.purpose,
    description: `${describe(contract)}\n\n${WIRE_FORMAT}`,
    contentType: AVRO_CONTENT_TYPE,
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: avroSchema },
    tags: [{ name: `domain:${contract.domain}` }, { name: `owner:${contract.owner.team}` }],
    bindings: {
      kafka: {
        key: { type: 'string', description: `The record's \`${contract.kafka.key}\` field: one key's records stay in order on one partition.` },
        schemaIdLocation: 'payload',
        // Confluent framing: 1 magic byte, then a 4-byte schema id.
        schemaIdPayloadEncoding: '4',
        schemaLookupStrategy: 'TopicNameStrategy',
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    'x-owner': contract.owner,
    'x-fields': contract.fields,
  };
}

/**
 * An AsyncAPI 3.0.0 document of the data products: one channel per product topic with its Kafka bindings
 * (partitions, replicas, retention, key) and owner, one message per product with its Avro schema, and a
 * `send` operation per channel (Fieldmesh publishes; downstream services consume). Deterministic: the same
 * contracts give the same document, its `info.version` a digest of the contract versions.
 */
export function asyncApiFor(contracts: LoadedContract[], options: AsyncApiOptions): AsyncApiDocument {
  const sorted = [...contracts].sort((a, b) => a.contract.id.localeCompare(b.contract.id));
  const digest = createHash('sha256')
    .update(sorted.map(({ contract }) => `${contract.id}@${contract.version}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: options.title ?? 'Fieldmesh data products',
      version: `contracts-${digest}`,
      description: `The data products Fieldmesh publishes on Kafka, generated from their data contracts (do not edit by hand). ${WIRE_FORMAT}`,
      tags: [...new Set(sorted.map(({ contract }) => contract.domain))].map((domain) => ({ name: `domain:${domain}` })),
    },
    defaultContentType: AVRO_CONTENT_TYPE,
    servers: servers(options),
    channels: {},
    operations: {},
    components: { messages: {} },
  };
  for (const loaded of sorted) {
    const id = camelId(loaded.contract.id);
    document.channels[id] = channelFor(loaded, id);
    document.components.messages[id] = messageFor(loaded);
    document.operations[`publish${id[0]!.toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      title: `Fieldmesh publishes ${loaded.contract.kafka.topic}`,
      summary: loaded.contract.description.purpose,
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }
  return document;
}
