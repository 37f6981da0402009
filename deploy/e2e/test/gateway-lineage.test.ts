import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustServerCertificate } from '@fieldmesh/connector-opcua';
import { connectorCatalog, Gateway, gatewayConfigSchema } from '@fieldmesh/edge-gateway';
import { loadContract } from '@fieldmesh/governance';
import { createKafka, type KafkaPort } from '@fieldmesh/kafka';
import {
  clickhouseDataset,
  identityColumnLineage,
  kafkaDataset,
  lineageEmitter,
  readLineageGraph,
  type LineageEmitter,
  type LineageGraph,
  type LineageWalk,
} from '@fieldmesh/lineage';
import { encodeSparkplugPayload } from '@fieldmesh/simulator';
import { findFreePort, REPO_ROOT } from '@fieldmesh/testing';
import { tableNameFor } from '@fieldmesh/warehouse';
import mqtt from 'mqtt';
import { DataType, makeEUInformation, MessageSecurityMode, nodesets, OPCUACertificateManager, OPCUAServer, SecurityPolicy, standardUnits } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectorUp, waitFor } from '../src/index';

/**
 * The gateway's lineage over the real path: a real Mosquitto (JSON and Sparkplug B) and a node-opcua server speaking SignAndEncrypt
 * → the gateway → its OpenLineage events on Kafka → the platform's lineage graph reader. The events go to a
 * lineage topic of this test's own, so that the shared `_fieldmesh.lineage` keeps only real jobs' events and
 * the walks below see only this gateway.
 */
describe('gateway lineage: from a ClickHouse column up to the exact MQTT topics and OPC UA nodes read', () => {
  const brokers = inject('kafkaBrokers');
  const mqttUrl = inject('mqttUrl');
  const gatewayId = `gw-lineage-${Date.now().toString(36)}`;
  // A topic prefix of this test's own: other tests on the shared broker publish under acme/.
  const prefix = `fm-lineage-${Date.now().toString(36)}`;
  const lineageTopic = `_fieldmesh.lineage.${gatewayId}`;
  const rawTopic = 'plant.telemetry.raw.v1';
  const table = tableNameFor(rawTopic);
  const published = [`${prefix}/berlin/line-1/press-1/bearing_temperature`, `${prefix}/berlin/line-1/press-1/vibration_rms`];
  const badTopic = `${prefix}/berlin/line-1/press-9/bearing_temperature`;
  const group = `fmlineage${Date.now().toString(36)}`;
  const sparkplugBirth = `spBv1.0/${group}/DBIRTH/line-3/motor-1`;
  const sparkplugData = `spBv1.0/${group}/DDATA/line-3/motor-1`;
  const sparkplug = [sparkplugBirth, sparkplugData];
  const served = ['ns=1;s=berlin.line-2.pump-1.bearing_temperature', 'ns=1;s=berlin.line-2.pump-1.vibration_rms'];
  let dir: string;
  let server: OPCUAServer;
  let kafka: KafkaPort;
  let emitter: LineageEmitter;
  let gateway: Gateway | undefined;
  let graph: LineageGraph;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fm-gw-lineage-'));
    server = await startPlantServer(await findFreePort(), join(dir, 'server-pki'));
    const endpointUrl = `opc.tcp://127.0.0.1:${server.endpoints[0]!.port}`;
    const pkiDir = join(dir, 'gateway', 'opcua-pki');
    await trustServerCertificate({ endpointUrl, pkiDir, expectedThumbprint: createHash('sha1').update(server.getCertificate()).digest('hex') });

    kafka = createKafka({ clientId: `${gatewayId}-lineage`, brokers: brokers.split(',') });
    emitter = lineageEmitter({ kafka, topic: lineageTopic });
    const config = gatewayConfigSchema.parse({
      gatewayId,
      stateDir: join(dir, 'gateway'),
      kafka: { brokers: brokers.split(',') },
      registryUrl: inject('registryUrl'),
      observability: { port: 0 },
      lineage: { reportIntervalMs: 1000 },
      connectors: [
        {
          name: 'plant-json',
          type: 'mqtt',
          config: {
            url: mqttUrl,
            clientId: `${gatewayId}-json`,
            format: 'json',
            mappings: [{ topic: `${prefix}/+site/+line/+asset/+signal`, assetPath: 'acme/{site}/press-shop/{line}/{asset}' }],
          },
        },
        {
          name: 'plant-sparkplug',
          type: 'mqtt',
          config: {
            url: mqttUrl,
            clientId: `${gatewayId}-sparkplug`,
            format: 'sparkplugb',
            sparkplug: { groupIds: [group], assetPath: 'acme/berlin/press-shop/{node}/{device}' },
          },
        },
        {
          name: 'plant-opcua',
          type: 'opcua',
          config: {
            endpointUrl,
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
            pkiDir,
            // The default browse from the Objects folder (i=85): what the gateway reports must be the nodes it found and read, not i=85.
            browse: { levels: ['site', 'line', 'asset'], maxDepth: 4, assetPathTemplate: 'acme/{site}/press-shop/{line}/{asset}' },
            subscription: { publishingInterval: 100, samplingInterval: 0 },
          },
        },
      ],
    });
    gateway = await Gateway.start(config, { root: REPO_ROOT, connectors: connectorCatalog, lineage: emitter, log: (line) => console.error('[gateway]', line) });
    await waitFor(
      'the MQTT connectors',
      async () => (await connectorUp(gateway!.observabilityUrl, 'plant-json')) && (await connectorUp(gateway!.observabilityUrl, 'plant-sparkplug')),
      30_000,
    );
    await waitFor('the OPC UA connector', () => connectorUp(gateway!.observabilityUrl, 'plant-opcua'), 60_000);

    const client = await mqtt.connectAsync(mqttUrl, { clientId: `${gatewayId}-device` });
    try {
      for (const topic of published) {
        const value = topic.endsWith('bearing_temperature') ? 61.5 : 2.5;
        await client.publishAsync(topic, JSON.stringify({ value, unit: topic.endsWith('bearing_temperature') ? 'Cel' : 'mm/s', timestamp_ms: Date.now(), quality: 'GOOD' }), {
          qos: 1,
        });
      }
      // Read, but never a reading: it goes to the dead-letter topic and must not feed a column.
      await client.publishAsync(badTopic, 'not json', { qos: 1 });
      // A Sparkplug edge node: its birth names the metric (alias 1, unit Cel), the data message carries only the alias.
      const now = Date.now();
      const metric = { name: 'bearing_temperature', alias: 1, type: 'Double', properties: { engUnit: { type: 'String', value: 'Cel' } } } as const;
      await client.publishAsync(
        `spBv1.0/${group}/NBIRTH/line-3`,
        Buffer.from(encodeSparkplugPayload({ timestamp: now, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })),
        { qos: 1 },
      );
      await client.publishAsync(sparkplugBirth, Buffer.from(encodeSparkplugPayload({ timestamp: now, seq: 1, metrics: [{ ...metric, value: 55, timestamp: now }] })), { qos: 1 });
      await client.publishAsync(
        sparkplugData,
        Buffer.from(encodeSparkplugPayload({ timestamp: now + 1, seq: 2, metrics: [{ alias: 1, type: 'Double', value: 56, timestamp: now + 1 }] })),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }

    // The gateway reports what it has read in RUNNING events; the sink is reported as the ClickHouse sink does (sink.lineage.ts).
    const jobName = `edge-gateway.${gatewayId}`;
    await waitFor(
      'the gateway to report every source it read',
      async () => {
        const current = await readLineageGraph(kafka, { topic: lineageTopic });
        const names = new Set(current.jobs.find((job) => job.name === jobName)?.inputs.map((input) => input.name));
        return [...published, ...sparkplug, ...served].every((name) => names.has(name));
      },
      60_000,
      500,
    );
    const contract = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
    const raw = kafkaDataset(brokers.split(','), rawTopic, contract.avroSchema);
    const fields = contract.avroType.fields.map((field) => field.name);
    await emitter
      .run({
        name: `clickhouse-sink.${table}`,
        inputs: [raw],
        outputs: [clickhouseDataset(inject('clickhouseUrl'), 'fieldmesh', table, { columnLineage: identityColumnLineage(raw, fields) })],
      })
      .start();
    graph = await readLineageGraph(kafka, { topic: lineageTopic });
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await emitter?.close();
    await server?.shutdown(0);
    if (kafka) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics([lineageTopic]).catch(() => undefined);
      await admin.disconnect();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The sources a walk reaches: `<scheme> <name>#<field>` of its MQTT and OPC UA nodes. */
  const sourcesOf = (walk: LineageWalk) =>
    walk.nodes
      .filter((node) => /^(mqtt|opcua):\/\//.test(node.namespace))
      .map((node) => `${node.namespace.split('://')[0]} ${node.name}#${node.field ?? ''}`)
      .sort();

  it('walks a value column up to exactly the topics published and the nodes served: no filter, no browse root', () => {
    const walk = graph.upstream(graph.resolve(`fieldmesh.${table}#value`));
    expect(sourcesOf(walk)).toEqual(
      [...published.map((topic) => `mqtt ${topic}#value`), ...sparkplug.map((topic) => `mqtt ${topic}#metrics.value`), ...served.map((node) => `opcua ${node}#value`)].sort(),
    );
    expect(walk.nodes.map((node) => node.name)).toContain(rawTopic);
    expect(walk.nodes.filter((node) => node.name === 'i=85' || /[+#]/.test(node.name))).toEqual([]);
  });

  it('maps quality, source time and unit to the fields each protocol carries them in', () => {
    expect(sourcesOf(graph.upstream(graph.resolve(`fieldmesh.${table}#quality`)))).toEqual(
      [
        ...published.map((topic) => `mqtt ${topic}#quality`),
        ...sparkplug.map((topic) => `mqtt ${topic}#metrics.properties.Quality`),
        ...served.map((node) => `opcua ${node}#statusCode`),
      ].sort(),
    );
    expect(sourcesOf(graph.upstream(graph.resolve(`fieldmesh.${table}#readingTime`)))).toEqual(
      [
        ...published.map((topic) => `mqtt ${topic}#timestamp_ms`),
        ...sparkplug.flatMap((topic) => [`mqtt ${topic}#metrics.timestamp`, `mqtt ${topic}#timestamp`]),
        ...served.flatMap((node) => [`opcua ${node}#serverTimestamp`, `opcua ${node}#sourceTimestamp`]),
      ].sort(),
    );
    expect(sourcesOf(graph.upstream(graph.resolve(`fieldmesh.${table}#unit`)))).toEqual(
      // The Sparkplug data message's unit is the metric's engUnit in the device's birth certificate.
      [...published.map((topic) => `mqtt ${topic}#unit`), `mqtt ${sparkplugBirth}#metrics.properties.engUnit`, ...served.map((node) => `opcua ${node}#EngineeringUnits`)].sort(),
    );
    // A JSON payload carries no raw status code.
    expect(sourcesOf(graph.upstream(graph.resolve(`fieldmesh.${table}#qualityCode`)))).toEqual(
      [...sparkplug.map((topic) => `mqtt ${topic}#metrics.properties.Quality`), ...served.map((node) => `opcua ${node}#statusCode`)].sort(),
    );
  });

  it('lists as inputs only the sources that delivered readings, and says what it subscribed to in a job facet', () => {
    const job = graph.jobs.find((candidate) => candidate.name === `edge-gateway.${gatewayId}`)!;
    expect(job.lastEventType).toBe('RUNNING');
    expect(job.inputs.map((input) => `${input.namespace.split('://')[0]} ${input.name}`).sort()).toEqual(
      [...published, ...sparkplug]
        .map((topic) => `mqtt ${topic}`)
        .concat(served.map((node) => `opcua ${node}`))
        .sort(),
    );
    expect(job.inputs.map((input) => input.name)).not.toContain(badTopic);
    const opcua = job.inputs.find((input) => input.name === served[0])!;
    expect(opcua.namespace).toMatch(/^opcua:\/\/127\.0\.0\.1:\d+$/);
    expect(job.inputs.find((input) => input.name === published[0])!.namespace).toBe(`mqtt://${new URL(mqttUrl).host}`);
    // The downstream walk from a node reaches the table's columns it feeds.
    const downstream = graph.downstream(graph.resolve(`${served[0]}#statusCode`));
    expect(
      downstream.nodes
        .filter((node) => node.namespace.startsWith('clickhouse://'))
        .map((node) => node.field)
        .sort(),
    ).toEqual(['quality', 'qualityCode']);
  });

  it('completes its run on close with every source it read', async () => {
    await gateway!.close();
    gateway = undefined;
    const closed = await readLineageGraph(kafka, { topic: lineageTopic });
    const job = closed.jobs.find((candidate) => candidate.name === `edge-gateway.${gatewayId}`)!;
    expect(job.lastEventType).toBe('COMPLETE');
    expect(job.inputs.map((input) => input.name).sort()).toEqual([...published, ...sparkplug, ...served].sort());
  });
});

/** A plant's OPC UA server: SignAndEncrypt only, Objects/berlin/line-2/pump-1/<signal>, with engineering units. */
async function startPlantServer(port: number, pkiDir: string): Promise<OPCUAServer> {
  // The server stands in for the plant and accepts the gateway's certificate; the gateway is the side that must not trust blindly.
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({
    port,
    host: '127.0.0.1',
    hostname: '127.0.0.1',
    nodeset_filename: [nodesets.standard],
    serverCertificateManager,
    securityPolicies: [SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    serverInfo: { applicationUri: 'urn:fieldmesh:test-lineage-plant', productUri: 'urn:fieldmesh:test-lineage-plant', applicationName: { text: 'Fieldmesh lineage test plant' } },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.getOwnNamespace();
  const site = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'berlin', nodeId: 's=berlin' });
  const line = namespace.addObject({ componentOf: site, browseName: 'line-2', nodeId: 's=berlin.line-2' });
  const pump = namespace.addObject({ componentOf: line, browseName: 'pump-1', nodeId: 's=berlin.line-2.pump-1' });
  const analog = (signal: string, engineeringUnits: ReturnType<typeof makeEUInformation>, value: number) =>
    namespace.addAnalogDataItem({
      componentOf: pump,
      browseName: signal,
      nodeId: `s=berlin.line-2.pump-1.${signal}`,
      dataType: 'Double',
      engineeringUnitsRange: { low: 0, high: 200 },
      engineeringUnits,
      minimumSamplingInterval: 0,
      value: { dataType: DataType.Double, value },
    });
  analog('bearing_temperature', standardUnits.degree_celsius, 58);
  analog('vibration_rms', makeEUInformation('C16', 'mm/s', 'millimetre per second'), 3.1);
  await server.start();
  return server;
}
