import { parseWith } from '@fieldmesh/config';
import type { MqttSourceConfig } from '@fieldmesh/connector-mqtt';
import { dlqTopicFor } from '@fieldmesh/kafka';
import type { ColumnSource, Dataset, DerivationKind, Facet, JobSpec, LineageEmitter, LineageRunUpdate } from '@fieldmesh/lineage';
import { columnLineage, FIELDMESH_PRODUCER, kafkaDataset, lwm2mDataset, mqttDataset, onem2mDataset, opcuaDataset, streamingJobTypeFacet } from '@fieldmesh/lineage';
import type { GatewayConfig } from '../config/gateway.config';
import { connectorCatalog } from '../connectors.catalog';
import { LineageReporter } from './lineage.reporter';
import { type ReadSource, type ReadSourcesSnapshot, ReadSourcesTracker } from './read-sources.tracker';

type ConnectorEntry = GatewayConfig['connectors'][number];

/** How one field of the raw record comes from fields of the source message (a JSON payload, a Sparkplug metric, an OPC UA DataValue). */
interface FieldDerivation {
  fields: string[];
  kind: DerivationKind;
  transformation: string;
  masking?: boolean;
  /** When the field comes from another source than the reading's own (a Sparkplug unit from the birth certificate): its address. */
  from?: (address: string) => string;
}

/** What a connector's sources look like as datasets: their namespace, and how the gateway's mapping turns their fields into the record's. */
export interface SourceProfile {
  connector: string;
  type: ConnectorEntry['type'];
  dataset: (address: string) => Dataset;
  /** Raw record field → the source fields it is computed from, as this connector's decoder and the gateway's enrichment do it. */
  derivations: Record<string, FieldDerivation>;
  /** What the connector subscribes to (filters, browse roots, listed nodes): a job facet, not datasets. */
  subscriptions: string[];
  /** Sources known before any reading: nodes listed by id and MQTT topics without wildcards. */
  concrete: string[];
}

const SUBSCRIPTIONS_FACET_SCHEMA = 'https://github.com/fieldmesh/fieldmesh/tree/main/edge-gateway/src/observe/gateway.lineage.ts#GatewaySubscriptionsJobFacet';
const READ_SOURCES_FACET_SCHEMA = 'https://github.com/fieldmesh/fieldmesh/tree/main/edge-gateway/src/observe/gateway.lineage.ts#GatewayReadSourcesRunFacet';

/** The value as the gateway writes it: numbers calibrated, text and booleans as text. Shared by every source kind. */
function valueDerivations(...valueFields: string[]): Record<string, FieldDerivation> {
  return {
    value: { fields: valueFields, kind: 'TRANSFORMATION', transformation: 'numbers, calibrated per asset and signal' },
    valueText: { fields: valueFields, kind: 'TRANSFORMATION', transformation: 'strings and booleans as text' },
  };
}

function connectorConfig(entry: ConnectorEntry): Record<string, unknown> {
  // The gateway config checked it against the connector's schema; parsing again fills the defaults the mapping relies on.
  const parsed = parseWith(connectorCatalog[entry.type].config, entry.config);
  if (!parsed.ok)
    throw new TypeError(
      `connector ${entry.name}: its config does not parse (${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}); load the gateway config with gatewayConfigSchema first`,
    );
  return parsed.value as Record<string, unknown>;
}

function opcuaProfile(entry: ConnectorEntry, config: Record<string, unknown>): SourceProfile {
  const endpoint = String(config.endpointUrl);
  const nodes = (config.nodes as Array<{ nodeId: string; unit?: string }> | undefined) ?? [];
  const browse = config.browse as { rootNodeId?: string } | undefined;
  return {
    connector: entry.name,
    type: entry.type,
    dataset: (nodeId) => opcuaDataset(endpoint, nodeId),
    derivations: {
      ...valueDerivations('value'),
      readingTime: { fields: ['sourceTimestamp', 'serverTimestamp'], kind: 'TRANSFORMATION', transformation: 'source timestamp, else server timestamp, else receive time' },
      quality: { fields: ['statusCode'], kind: 'TRANSFORMATION', transformation: 'severity of the status code' },
      qualityCode: { fields: ['statusCode'], kind: 'IDENTITY', transformation: 'the status code' },
      unit: { fields: ['EngineeringUnits'], kind: 'TRANSFORMATION', transformation: 'UCUM code of the EngineeringUnits property, unless the config names the unit' },
    },
    subscriptions: [...nodes.map((node) => node.nodeId), ...(browse?.rootNodeId ? [`browse ${browse.rootNodeId}`] : [])],
    concrete: nodes.map((node) => node.nodeId),
  };
}

/** The birth certificate's topic for a Sparkplug topic: `spBv1.0/<group>/DDATA/<node>/<device>` → `.../DBIRTH/...` (NDATA → NBIRTH). */
export function birthTopic(topic: string): string {
  const levels = topic.split('/');
  const type = levels[2];
  if (levels[0] !== 'spBv1.0' || !type || !/^[ND](DATA|DEATH|BIRTH)$/.test(type)) return topic;
  levels[2] = `${type[0]}BIRTH`;
  return levels.join('/');
}

function sparkplugProfile(entry: ConnectorEntry, config: Record<string, unknown>): SourceProfile {
  const url = String(config.url);
  const groups = (config.sparkplug as { groupIds?: string[] } | undefined)?.groupIds ?? [];
  return {
    connector: entry.name,
    type: entry.type,
    dataset: (topic) => mqttDataset(url, topic),
    derivations: {
      ...valueDerivations('metrics.value'),
      readingTime: { fields: ['metrics.timestamp', 'timestamp'], kind: 'TRANSFORMATION', transformation: 'metric timestamp, else payload timestamp, else receive time' },
      quality: { fields: ['metrics.properties.Quality'], kind: 'TRANSFORMATION', transformation: 'OPC DA quality (192 good, 64 uncertain); GOOD when absent, BAD on death' },
      qualityCode: { fields: ['metrics.properties.Quality'], kind: 'IDENTITY', transformation: 'the Quality property' },
      unit: { fields: ['metrics.properties.engUnit'], kind: 'IDENTITY', transformation: 'engUnit of the metric in the birth certificate', from: birthTopic },
    },
    subscriptions: (groups.length > 0 ? groups : ['+']).map((group) => `spBv1.0/${group}/#`),
    concrete: [],
  };
}

function jsonProfile(entry: ConnectorEntry, config: Record<string, unknown>): SourceProfile {
  const url = String(config.url);
  // Parsed by the connector's schema: every field name has its default filled in.
  const json = config.json as Extract<MqttSourceConfig, { format: 'json' }>['json'];
  const mappings = (config.mappings as Array<{ topic: string }> | undefined) ?? [];
  // A mapping's pattern names its levels (`+site`); the broker is subscribed to the plain filter.
  const filters = mappings.map((mapping) => mapping.topic.replace(/\+[A-Za-z_]\w*/g, '+').replace(/#[A-Za-z_]\w*$/, '#'));
  const badge = Object.entries(json.personalFields).find(([, key]) => key === 'operatorBadge')?.[0];
  return {
    connector: entry.name,
    type: entry.type,
    dataset: (topic) => mqttDataset(url, topic),
    derivations: {
      ...valueDerivations(json.valueField),
      readingTime: { fields: [json.timestampField], kind: 'TRANSFORMATION', transformation: 'epoch ms or ISO-8601; receive time when absent' },
      quality: { fields: [json.qualityField], kind: 'TRANSFORMATION', transformation: 'upper-cased; GOOD when absent' },
      unit: { fields: [json.unitField], kind: 'IDENTITY', transformation: 'else the mapping unit, else 1' },
      ...(badge ? { operatorBadge: { fields: [badge], kind: 'TRANSFORMATION', transformation: 'pseudonymised as the contract says', masking: true } } : {}),
    },
    subscriptions: filters,
    concrete: filters.filter((filter) => !/[+#]/.test(filter)),
  };
}

/** oneM2M: each mapped container of the CSE is a source; a reading comes from a contentInstance's `con` (JSON) and `ct`. */
function onem2mProfile(entry: ConnectorEntry, config: Record<string, unknown>): SourceProfile {
  const cseUrl = String(config.cseUrl);
  const cseBaseName = String(config.cseBaseName);
  // Parsed by the connector's schema: valuePointer has its default ('' = the whole content).
  const mappings = config.mappings as Array<{ container: string; valuePointer: string; timestampPointer?: string }>;
  const pointers = (pick: (mapping: (typeof mappings)[number]) => string | undefined) => [...new Set(mappings.map(pick).filter((p) => p !== undefined))].map((p) => `con${p}`);
  const containers = mappings.map((mapping) => `${cseBaseName}/${mapping.container}`);
  return {
    connector: entry.name,
    type: entry.type,
    dataset: (path) => onem2mDataset(cseUrl, path),
    derivations: {
      ...valueDerivations(...pointers((mapping) => mapping.valuePointer)),
      readingTime: {
        fields: [...pointers((mapping) => mapping.timestampPointer), 'ct'],
        kind: 'TRANSFORMATION',
        transformation: "the mapping's timestampPointer into the content (epoch ms or ISO 8601), else the contentInstance's creationTime",
      },
      deviceId: { fields: ['cr'], kind: 'IDENTITY', transformation: "the mapping's deviceId, else the contentInstance's creator (the device AE)" },
    },
    subscriptions: containers,
    concrete: containers,
  };
}

/** LwM2M: each observed resource of each listed device is a source; a reading comes from one value of a notification (SenML, TLV or text). */
function lwm2mProfile(entry: ConnectorEntry, config: Record<string, unknown>): SourceProfile {
  const server = `${String(config.listenHost)}:${String(config.listenPort)}`;
  const devices = config.devices as Array<{ endpoint: string; observe: Array<{ path: string }> }>;
  const resources = devices.flatMap((device) => device.observe.map((observed) => `${device.endpoint}${observed.path}`));
  return {
    connector: entry.name,
    type: entry.type,
    dataset: (address) => lwm2mDataset(server, address),
    derivations: {
      ...valueDerivations('value'),
      readingTime: { fields: ['bt', 't'], kind: 'TRANSFORMATION', transformation: 'SenML base time plus time, else the receive time' },
      deviceId: { fields: ['ep'], kind: 'IDENTITY', transformation: "the device's deviceId from the config, else the endpoint client name it registered with" },
    },
    subscriptions: resources,
    concrete: resources,
  };
}

function profileOf(entry: ConnectorEntry, parsed: Record<string, unknown>): SourceProfile {
  switch (entry.type) {
    case 'opcua':
      return opcuaProfile(entry, parsed);
    case 'onem2m':
      return onem2mProfile(entry, parsed);
    case 'lwm2m':
      return lwm2mProfile(entry, parsed);
    case 'mqtt':
      return parsed.format === 'sparkplugb' ? sparkplugProfile(entry, parsed) : jsonProfile(entry, parsed);
  }
}

/** How each configured connector's sources map to the raw record, keyed by connector name. */
export function sourceProfiles(config: GatewayConfig): Map<string, SourceProfile> {
  return new Map(config.connectors.map((entry) => [entry.name, profileOf(entry, connectorConfig(entry))] as const));
}

/** Sources known at start: what the connectors subscribe to by exact topic, node id or container. */
export function subscribedSources(profiles: Map<string, SourceProfile>): ReadSource[] {
  return [...profiles.values()].flatMap((profile) => profile.concrete.map((address) => ({ connector: profile.connector, address })));
}

function subscriptionsFacet(profiles: Map<string, SourceProfile>): Facet {
  return {
    _producer: FIELDMESH_PRODUCER,
    _schemaURL: SUBSCRIPTIONS_FACET_SCHEMA,
    connectors: [...profiles.values()].map((profile) => ({
      name: profile.connector,
      type: profile.type,
      namespace: profile.dataset('-').namespace,
      subscriptions: profile.subscriptions,
      mapping: Object.fromEntries(Object.entries(profile.derivations).map(([field, derivation]) => [field, `${derivation.fields.join(', ')}: ${derivation.transformation}`])),
    })),
  };
}

function readSourcesFacet(snapshot: ReadSourcesSnapshot, maxSources: number): Facet {
  return {
    _producer: FIELDMESH_PRODUCER,
    _schemaURL: READ_SOURCES_FACET_SCHEMA,
    listed: snapshot.sources.length,
    maxSources,
    unlistedSources: snapshot.unlistedSources,
    unlistedSourcesAtLeast: snapshot.unlistedSourcesAtLeast,
    unlistedReadings: snapshot.unlistedReadings,
  };
}

/**
 * The gateway's inputs and outputs for the sources it has read: each MQTT topic, OPC UA node, oneM2M
 * container and LwM2M resource as an input dataset (`mqtt://host:port` / topic, `opcua://host:port` / node id,
 * `onem2m://host:port` / `<CSEBase>/<container>`, `lwm2m://host:port` / `<endpoint>/<object>/<instance>/<resource>`), and the product topic with a column
 * lineage facet naming, for each record field, the source fields it is computed from.
 */
export function gatewayLineageUpdate(
  config: GatewayConfig,
  topic: string,
  avroSchema: object,
  profiles: Map<string, SourceProfile>,
  snapshot: ReadSourcesSnapshot,
): Required<Pick<LineageRunUpdate, 'inputs' | 'outputs' | 'runFacets'>> {
  const inputs: Dataset[] = [];
  const columns: Record<string, ColumnSource[]> = {};
  for (const source of snapshot.sources) {
    const profile = profiles.get(source.connector);
    if (!profile) continue;
    const dataset = profile.dataset(source.address);
    inputs.push(dataset);
    for (const [field, derivation] of Object.entries(profile.derivations)) {
      // How the connector maps a field is said once per connector (job facet fieldmesh_subscriptions), not once per source: events stay small.
      const from = derivation.from ? profile.dataset(derivation.from(source.address)) : dataset;
      (columns[field] ??= []).push({ dataset: from, fields: derivation.fields, kind: derivation.kind, ...(derivation.masking ? { masking: true } : {}) });
    }
  }
  const lineage = Object.keys(columns).length > 0 ? { columnLineage: columnLineage(columns) } : {};
  return {
    inputs,
    outputs: [kafkaDataset(config.kafka.brokers, topic, avroSchema, lineage), kafkaDataset(config.kafka.brokers, dlqTopicFor(topic))],
    runFacets: { fieldmesh_readSources: readSourcesFacet(snapshot, config.lineage.maxSources) },
  };
}

/** The gateway as an OpenLineage job, as it starts: inputs are the sources it subscribed to by exact topic or node id. */
export function gatewayLineageJob(config: GatewayConfig, topic: string, avroSchema: object, profiles = sourceProfiles(config), snapshot?: ReadSourcesSnapshot): JobSpec {
  const known = snapshot ?? { sources: subscribedSources(profiles), unlistedSources: 0, unlistedSourcesAtLeast: false, unlistedReadings: 0 };
  const { inputs, outputs } = gatewayLineageUpdate(config, topic, avroSchema, profiles, known);
  return {
    name: `edge-gateway.${config.gatewayId}`,
    inputs,
    outputs,
    facets: { jobType: streamingJobTypeFacet('EDGE_GATEWAY'), fieldmesh_subscriptions: subscriptionsFacet(profiles) },
  };
}

/** The gateway's lineage reporter: START with the sources it subscribed to by exact address, then every MQTT topic and OPC UA node it reads from. */
export function gatewayLineageReporter(config: GatewayConfig, topic: string, avroSchema: object, emitter: LineageEmitter, log: (line: string) => void): LineageReporter {
  const profiles = sourceProfiles(config);
  const sources = new ReadSourcesTracker(config.lineage.maxSources);
  for (const source of subscribedSources(profiles)) sources.observe(source.connector, [source.address]);
  const run = emitter.run(gatewayLineageJob(config, topic, avroSchema, profiles, sources.snapshot()));
  return new LineageReporter(run, sources, {
    reportIntervalMs: config.lineage.reportIntervalMs,
    describe: () => gatewayLineageUpdate(config, topic, avroSchema, profiles, sources.snapshot()),
    log,
  });
}
