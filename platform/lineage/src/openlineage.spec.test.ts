import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnLineage } from './column-lineage';
import { clickhouseDataset, kafkaDataset, mqttDataset } from './dataset.factory';
import { documentationFacet, streamingJobTypeFacet } from './facets';
import { runEvent } from './run-event.builder';

/**
 * The required properties of the OpenLineage 2-0-2 spec and of the facets we emit, as the spec's JSON
 * Schemas list them (OpenLineage.json and spec/facets/*.json), checked on the events our builders make.
 */
const REQUIRED = {
  RunEvent: ['eventTime', 'producer', 'schemaURL', 'run', 'job'],
  Run: ['runId'],
  Job: ['namespace', 'name'],
  Dataset: ['namespace', 'name'],
  BaseFacet: ['_producer', '_schemaURL'],
  SchemaDatasetFacet: ['fields'],
  SchemaField: ['name'],
  ColumnLineageDatasetFacet: ['fields'],
  ColumnLineageField: ['inputFields'],
  InputField: ['namespace', 'name', 'field'],
  Transformation: ['type'],
  DatasourceDatasetFacet: [],
  OwnershipDatasetFacet: [],
  DocumentationDatasetFacet: ['description'],
  JobTypeJobFacet: ['processingType', 'integration'],
  ErrorMessageRunFacet: ['message', 'programmingLanguage'],
} as const;

const EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

function missing(object: unknown, kind: keyof typeof REQUIRED, where: string): string[] {
  const value = object as Json;
  return REQUIRED[kind].filter((key) => value[key] === undefined || value[key] === null).map((key) => `${where}: ${kind} lacks '${key}'`);
}

function facetProblems(facets: unknown, where: string): string[] {
  const kinds: Record<string, keyof typeof REQUIRED> = {
    schema: 'SchemaDatasetFacet',
    columnLineage: 'ColumnLineageDatasetFacet',
    dataSource: 'DatasourceDatasetFacet',
    ownership: 'OwnershipDatasetFacet',
    documentation: 'DocumentationDatasetFacet',
    jobType: 'JobTypeJobFacet',
    errorMessage: 'ErrorMessageRunFacet',
  };
  return Object.entries((facets ?? {}) as Record<string, Json>).flatMap(([name, facet]) => {
    const at = `${where}.${name}`;
    const problems = [...missing(facet, 'BaseFacet', at), ...(kinds[name] ? missing(facet, kinds[name], at) : [`${at}: unexpected facet`])];
    if (!/^https:\/\/openlineage\.io\/spec\/facets\/\d+-\d+-\d+\/\w+\.json#\/\$defs\/\w+$/.test(String(facet._schemaURL)))
      problems.push(`${at}: _schemaURL is not a facet schema URL`);
    if (name === 'schema') (facet.fields as Json[]).forEach((f, i) => problems.push(...missing(f, 'SchemaField', `${at}.fields.${i}`)));
    if (name === 'columnLineage') {
      for (const [field, entry] of Object.entries(facet.fields as Record<string, Json>)) {
        problems.push(...missing(entry, 'ColumnLineageField', `${at}.${field}`));
        (entry.inputFields as Json[]).forEach((input, i) => {
          problems.push(...missing(input, 'InputField', `${at}.${field}.${i}`));
          ((input.transformations ?? []) as Json[]).forEach((t, j) => problems.push(...missing(t, 'Transformation', `${at}.${field}.${i}.transformations.${j}`)));
        });
      }
    }
    return problems;
  });
}

/** Every problem of an event against the spec's required fields and formats; empty when it conforms. */
function specProblems(event: Json): string[] {
  const problems = missing(event, 'RunEvent', 'event');
  if (!EVENT_TYPES.includes(String(event.eventType))) problems.push(`event: eventType ${String(event.eventType)} is not one of the spec's`);
  if (!DATE_TIME.test(String(event.eventTime))) problems.push('event: eventTime is not an RFC 3339 date-time');
  if (!URL.canParse(String(event.producer)) || !URL.canParse(String(event.schemaURL))) problems.push('event: producer and schemaURL must be URIs');
  const run = event.run as Json;
  problems.push(...missing(run, 'Run', 'run'));
  if (!UUID.test(String(run.runId))) problems.push('run: runId is not a UUID');
  problems.push(...facetProblems(run.facets, 'run.facets'));
  const job = event.job as Json;
  problems.push(...missing(job, 'Job', 'job'), ...facetProblems(job.facets, 'job.facets'));
  for (const side of ['inputs', 'outputs'] as const) {
    ((event[side] ?? []) as Json[]).forEach((d, i) => problems.push(...missing(d, 'Dataset', `${side}.${i}`), ...facetProblems(d.facets, `${side}.${i}.facets`)));
  }
  return problems;
}

const rawSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../schemas/plant-telemetry/RawReading.avsc'), 'utf8')) as object;

function cleanJobEvents() {
  const mqtt = mqttDataset('mqtt://127.0.0.1:1883', 'spBv1.0/plant/DDATA/line1/pump1');
  const raw = kafkaDataset('127.0.0.1:9092', 'plant.telemetry.raw.v1', rawSchema, { owner: { team: 'plant-telemetry', contact: 'pt@example.com' }, description: 'raw readings' });
  const clean = kafkaDataset('127.0.0.1:9092', 'plant.telemetry.clean.v1', undefined, {
    columnLineage: columnLineage({
      value: { dataset: raw, fields: ['value', 'unit'], transformation: 'converted to the canonical unit' },
      assetPath: { dataset: raw, fields: 'assetPath', kind: 'IDENTITY' },
    }),
  });
  const table = clickhouseDataset('http://127.0.0.1:8123', 'fieldmesh', 'plant_telemetry_clean_v1');
  const job = {
    namespace: 'fieldmesh',
    name: 'plant-telemetry.clean',
    inputs: [mqtt, raw],
    outputs: [clean, table],
    facets: { jobType: streamingJobTypeFacet('DOMAIN_SERVICE'), documentation: documentationFacet('cleans raw readings') },
  };
  const runId = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
  return [
    runEvent({ eventType: 'START', job, runId }),
    runEvent({ eventType: 'RUNNING', job, runId }),
    runEvent({ eventType: 'COMPLETE', job, runId }),
    runEvent({ eventType: 'FAIL', job, runId, error: new Error('broker gone') }),
  ];
}

describe('events against the OpenLineage spec', () => {
  it('START, RUNNING, COMPLETE and FAIL events with every facet we emit carry all required fields', () => {
    for (const event of cleanJobEvents()) expect(specProblems(event as Json)).toEqual([]);
  });

  it('the checker itself reports a missing field, a bad run id and a facet without _producer', () => {
    const [event] = cleanJobEvents();
    const broken = structuredClone(event) as Json;
    delete broken.producer;
    (broken.run as Json).runId = 'run-1';
    delete ((broken.outputs as Json[])[0]!.facets as Record<string, Json>).columnLineage!._producer;
    expect(specProblems(broken)).toEqual([
      "event: RunEvent lacks 'producer'",
      'event: producer and schemaURL must be URIs',
      'run: runId is not a UUID',
      "outputs.0.facets.columnLineage: BaseFacet lacks '_producer'",
    ]);
  });

  it('every event of a run repeats the inputs and outputs, and FAIL carries the error message', () => {
    const events = cleanJobEvents();
    expect(new Set(events.map((e) => e.run.runId)).size).toBe(1);
    for (const event of events) expect(event.outputs?.map((o) => o.name)).toEqual(['plant.telemetry.clean.v1', 'fieldmesh.plant_telemetry_clean_v1']);
    expect(events[3]!.run.facets?.errorMessage).toMatchObject({ message: 'broker gone', programmingLanguage: 'TypeScript' });
  });
});
