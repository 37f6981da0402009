import { columnLineageFacetSchema, LineageGraph, runEvent } from '@fieldmesh/lineage';
import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway.config';
import { LINEAGE_MAX_SOURCES_LIMIT } from './gateway-lineage.config';
import { birthTopic, gatewayLineageJob, gatewayLineageUpdate, sourceProfiles } from './gateway.lineage';
import { ReadSourcesTracker } from './read-sources.tracker';

const config = gatewayConfigSchema.parse({
  gatewayId: 'gw-1',
  stateDir: '/tmp/gw-1',
  kafka: { brokers: ['127.0.0.1:9092'] },
  registryUrl: 'http://127.0.0.1:8081',
  connectors: [
    {
      name: 'json',
      type: 'mqtt',
      config: {
        url: 'mqtt://127.0.0.1:1883',
        clientId: 'gw-1-json',
        format: 'json',
        json: { valueField: 'v', personalFields: { badge: 'operatorBadge' } },
        mappings: [
          { topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}' },
          { topic: 'acme/berlin/utilities/meter-1/energy', assetPath: 'acme/berlin/utilities/meter-1', signal: 'energy' },
        ],
      },
    },
    { name: 'sp', type: 'mqtt', config: { url: 'mqtt://127.0.0.1:1883', clientId: 'gw-1-sp', format: 'sparkplugb', sparkplug: { groupIds: ['berlin'] } } },
    { name: 'ua', type: 'opcua', config: { endpointUrl: 'opc.tcp://127.0.0.1:4840', browse: { rootNodeId: 'i=85' } } },
  ],
});

const schema = {
  type: 'record',
  name: 'RawReading',
  fields: ['readingTime', 'value', 'valueText', 'unit', 'quality', 'qualityCode', 'operatorBadge'].map((name) => ({ name, type: 'string' })),
};
const profiles = sourceProfiles(config);

function readFrom(entries: Array<[string, string]>, max = 100): ReadSourcesTracker {
  const tracker = new ReadSourcesTracker(max);
  for (const [connector, address] of entries) tracker.observe(connector, [address]);
  return tracker;
}

describe('gateway lineage', () => {
  it('starts with the sources it subscribed to by exact topic, keeping filters and the browse root out of its inputs', () => {
    const job = gatewayLineageJob(config, 'plant.telemetry.raw.v1', schema, profiles);
    expect(job.name).toBe('edge-gateway.gw-1');
    expect(job.inputs.map((d) => `${d.namespace} ${d.name}`)).toEqual(['mqtt://127.0.0.1:1883 acme/berlin/utilities/meter-1/energy']);
    expect(job.facets?.fieldmesh_subscriptions).toMatchObject({
      connectors: [
        { name: 'json', namespace: 'mqtt://127.0.0.1:1883', subscriptions: ['acme/+/+/+/+/+', 'acme/berlin/utilities/meter-1/energy'] },
        { name: 'sp', namespace: 'mqtt://127.0.0.1:1883', subscriptions: ['spBv1.0/berlin/#'] },
        { name: 'ua', namespace: 'opcua://127.0.0.1:4840', subscriptions: ['browse i=85'] },
      ],
    });
    expect(job.outputs.map((d) => d.name)).toEqual(['plant.telemetry.raw.v1', 'plant.telemetry.raw.v1.dlq']);
    expect(job.outputs[0]!.facets).toHaveProperty('schema');
  });

  it('lists each topic and node it read as an input, and maps them to the record fields as the decoders do', () => {
    const read = readFrom([
      ['json', 'acme/berlin/press-shop/line-1/press-1/temperature'],
      ['sp', 'spBv1.0/berlin/DDATA/edge-1/press-2'],
      ['ua', 'ns=1;s=berlin.line-1.press-3.pressure'],
    ]);
    const update = gatewayLineageUpdate(config, 'plant.telemetry.raw.v1', schema, profiles, read.snapshot());
    expect(update.inputs.map((d) => `${d.namespace} ${d.name}`)).toEqual([
      'mqtt://127.0.0.1:1883 acme/berlin/press-shop/line-1/press-1/temperature',
      'mqtt://127.0.0.1:1883 spBv1.0/berlin/DDATA/edge-1/press-2',
      'opcua://127.0.0.1:4840 ns=1;s=berlin.line-1.press-3.pressure',
    ]);
    const fields = columnLineageFacetSchema.parse(update.outputs[0]!.facets!.columnLineage).fields;
    const from = (output: string) => fields[output]!.inputFields.map((i) => `${i.name}#${i.field}`);
    expect(from('value')).toEqual([
      'acme/berlin/press-shop/line-1/press-1/temperature#v',
      'spBv1.0/berlin/DDATA/edge-1/press-2#metrics.value',
      'ns=1;s=berlin.line-1.press-3.pressure#value',
    ]);
    expect(from('readingTime')).toContain('ns=1;s=berlin.line-1.press-3.pressure#sourceTimestamp');
    expect(from('quality')).toContain('ns=1;s=berlin.line-1.press-3.pressure#statusCode');
    expect(from('unit')).toContain('ns=1;s=berlin.line-1.press-3.pressure#EngineeringUnits');
    // A JSON payload carries no status code: only the OPC UA node and the Sparkplug metric feed qualityCode.
    expect(from('qualityCode')).toEqual(['spBv1.0/berlin/DDATA/edge-1/press-2#metrics.properties.Quality', 'ns=1;s=berlin.line-1.press-3.pressure#statusCode']);
    // A Sparkplug data message carries no unit: it is the metric's engUnit in the device's birth certificate.
    expect(from('unit')).toContain('spBv1.0/berlin/DBIRTH/edge-1/press-2#metrics.properties.engUnit');
    expect(fields.operatorBadge!.inputFields).toEqual([expect.objectContaining({ field: 'badge', transformations: [expect.objectContaining({ masking: true })] })]);
    expect(update.runFacets.fieldmesh_readSources).toMatchObject({ listed: 3, unlistedSources: 0, unlistedReadings: 0 });
  });

  it('walks from a record field up to the exact topics and nodes it was read from', () => {
    const read = readFrom([
      ['json', 'acme/berlin/press-shop/line-1/press-1/temperature'],
      ['ua', 'ns=1;s=berlin.line-1.press-3.pressure'],
    ]);
    const job = gatewayLineageJob(config, 'plant.telemetry.raw.v1', schema, profiles);
    const started = runEvent({ eventType: 'START', job: { ...job, namespace: 'fieldmesh' }, runId: '6f1c8a56-3c1e-4a55-9c59-2c8e3f0d0a11' });
    const running = runEvent({
      eventType: 'RUNNING',
      job: { ...job, ...gatewayLineageUpdate(config, 'plant.telemetry.raw.v1', schema, profiles, read.snapshot()), namespace: 'fieldmesh' },
      runId: started.run.runId,
      eventTime: new Date(Date.parse(started.eventTime) + 1000),
    });
    const graph = LineageGraph.fromEvents([started, running]);
    const walk = graph.upstream(graph.resolve('plant.telemetry.raw.v1#quality'));
    expect(walk.nodes.map((n) => `${n.name}#${n.field ?? ''}`).sort()).toEqual([
      'acme/berlin/press-shop/line-1/press-1/temperature#quality',
      'ns=1;s=berlin.line-1.press-3.pressure#statusCode',
      'plant.telemetry.raw.v1#quality',
    ]);
  });

  it('keeps an event at the largest allowed cap under Kafka’s default 1 MB message limit', () => {
    const long = (i: number) => `acme/berlin-plant-north/press-shop-hall-7/line-12/hydraulic-press-${i}/bearing_temperature_drive_side`;
    const read = readFrom(
      Array.from({ length: LINEAGE_MAX_SOURCES_LIMIT }, (_, i) =>
        i % 2 === 0 ? ['json', long(i)] : ['ua', `ns=3;s=berlin-plant-north.press-shop-hall-7.line-12.hydraulic-press-${i}.bearing_temperature`],
      ),
      LINEAGE_MAX_SOURCES_LIMIT,
    );
    const job = gatewayLineageJob(config, 'plant.telemetry.raw.v1', schema, profiles);
    const event = runEvent({
      eventType: 'RUNNING',
      job: { ...job, ...gatewayLineageUpdate(config, 'plant.telemetry.raw.v1', schema, profiles, read.snapshot()), namespace: 'fieldmesh' },
    });
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(1_000_000);
  });

  it('takes each mapped oneM2M container as a source of the CSE, its content pointers and creation time as the fields read', () => {
    const onem2m = gatewayConfigSchema.parse({
      ...config,
      connectors: [
        {
          name: 'cse',
          type: 'onem2m',
          config: {
            cseUrl: 'http://127.0.0.1:8080',
            cseBaseName: 'cse-in',
            originator: 'Cfieldmesh-gw-1',
            mappings: [
              {
                container: 'press-7/temperature',
                assetPath: 'acme/berlin/press-shop/line-1/press-7',
                signal: 'bearing_temperature',
                valuePointer: '/value',
                timestampPointer: '/ts',
              },
              { container: 'press-7/load', assetPath: 'acme/berlin/press-shop/line-1/press-7', signal: 'load' },
            ],
          },
        },
      ],
    });
    const cseProfiles = sourceProfiles(onem2m);
    const job = gatewayLineageJob(onem2m, 'plant.telemetry.raw.v1', schema, cseProfiles);
    expect(job.inputs.map((d) => `${d.namespace} ${d.name}`)).toEqual(['onem2m://127.0.0.1:8080 cse-in/press-7/temperature', 'onem2m://127.0.0.1:8080 cse-in/press-7/load']);
    expect(job.facets?.fieldmesh_subscriptions).toMatchObject({ connectors: [{ name: 'cse', type: 'onem2m', namespace: 'onem2m://127.0.0.1:8080' }] });

    const update = gatewayLineageUpdate(onem2m, 'plant.telemetry.raw.v1', schema, cseProfiles, readFrom([['cse', 'cse-in/press-7/load']]).snapshot());
    expect(update.inputs.map((d) => d.name)).toEqual(['cse-in/press-7/load']);
    const fields = columnLineageFacetSchema.parse(update.outputs[0]!.facets!.columnLineage).fields;
    const from = (output: string) => fields[output]!.inputFields.map((i) => `${i.name}#${i.field}`);
    expect(from('value')).toEqual(['cse-in/press-7/load#con/value', 'cse-in/press-7/load#con']);
    expect(from('readingTime')).toEqual(['cse-in/press-7/load#con/ts', 'cse-in/press-7/load#ct']);
  });

  it("takes each observed LwM2M resource of each listed device as a source of the gateway's LwM2M server", () => {
    const lwm2m = gatewayConfigSchema.parse({
      ...config,
      connectors: [
        {
          name: 'sensors',
          type: 'lwm2m',
          config: {
            listenHost: '0.0.0.0',
            security: 'noSec',
            devices: [{ endpoint: 'press-7-sensors', assetPath: 'acme/berlin/press-shop/line-1/press-7', observe: [{ path: '/3303/0/5700' }, { path: '/3316/0/5700' }] }],
          },
        },
      ],
    });
    const profiles = sourceProfiles(lwm2m);
    const job = gatewayLineageJob(lwm2m, 'plant.telemetry.raw.v1', schema, profiles);
    expect(job.inputs.map((d) => `${d.namespace} ${d.name}`)).toEqual(['lwm2m://0.0.0.0:5683 press-7-sensors/3303/0/5700', 'lwm2m://0.0.0.0:5683 press-7-sensors/3316/0/5700']);

    const update = gatewayLineageUpdate(lwm2m, 'plant.telemetry.raw.v1', schema, profiles, readFrom([['sensors', 'press-7-sensors/3316/0/5700']]).snapshot());
    expect(update.inputs.map((d) => d.name)).toEqual(['press-7-sensors/3316/0/5700']);
    const fields = columnLineageFacetSchema.parse(update.outputs[0]!.facets!.columnLineage).fields;
    expect(fields.deviceId!.inputFields.map((i) => `${i.name}#${i.field}`)).toEqual(['press-7-sensors/3316/0/5700#ep']);
  });

  it('finds the birth certificate of a Sparkplug topic, and leaves other topics as they are', () => {
    expect(birthTopic('spBv1.0/berlin/DDATA/edge-1/press-2')).toBe('spBv1.0/berlin/DBIRTH/edge-1/press-2');
    expect(birthTopic('spBv1.0/berlin/NDATA/edge-1')).toBe('spBv1.0/berlin/NBIRTH/edge-1');
    expect(birthTopic('spBv1.0/berlin/DDEATH/edge-1/press-2')).toBe('spBv1.0/berlin/DBIRTH/edge-1/press-2');
    expect(birthTopic('spBv1.0/STATE/host-1')).toBe('spBv1.0/STATE/host-1');
    expect(birthTopic('acme/berlin/DDATA/x')).toBe('acme/berlin/DDATA/x');
  });
});
